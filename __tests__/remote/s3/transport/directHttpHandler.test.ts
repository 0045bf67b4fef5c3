import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { type Readable } from 'node:stream';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type HttpRequest } from '@smithy/types';
import { type ByteSink } from '../../../../src/remote/byteSink.js';
import { DirectHttpHandler } from '../../../../src/remote/s3/transport/directHttpHandler.js';
import { ResponseBody } from '../../../../src/remote/s3/transport/responseBody.js';

/** Deterministic bytes, so each answer can be checked without keeping it. */
function pattern(length: number, seed = 0): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 31 + seed) & 0xff;
  return bytes;
}

let server: Server;
let port: number;
let connections = 0;

function answer(request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url!, 'http://localhost');
  const size = Number(url.searchParams.get('size') ?? 0);
  switch (url.pathname) {
    case '/fixed':
      response.writeHead(206, { 'content-length': size, 'x-range': request.headers.range ?? '' });
      response.end(pattern(size));
      return;
    case '/chunked': {
      // No length: node sends it chunked, in pieces of uneven size.
      response.writeHead(200);
      const body = pattern(size, 7);
      for (let start = 0; start < body.length; start += 10_007) response.write(body.subarray(start, start + 10_007));
      response.end();
      return;
    }
    case '/missing':
      response.writeHead(404, { 'content-type': 'application/xml' });
      response.write('<Error><Code>NoSuchKey</Code>');
      response.end('</Error>');
      return;
    case '/close':
      response.writeHead(200, { connection: 'close', 'content-length': size });
      response.end(pattern(size));
      return;
    case '/cut':
      response.writeHead(200, { 'content-length': size });
      response.write(pattern(size).subarray(0, size / 2), () => response.socket?.destroy());
      return;
    case '/stall':
      response.writeHead(200, { 'content-length': size });
      response.flushHeaders();
      return;
    case '/echo':
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`${request.method} ${request.url} ${request.headers.host} ${request.headers['x-signed']}`);
      return;
    default:
      response.writeHead(500);
      response.end();
  }
}

beforeAll(async () => {
  server = createServer(answer);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function get(path: string, query: Record<string, string> = {}, headers: Record<string, string> = {}, at = port): HttpRequest {
  return { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: at, path, query, headers } as HttpRequest;
}

/** A sink that keeps what it is given and, every `slowEvery` calls, asks the sender to wait. */
function collectingSink(slowEvery = 0): ByteSink & { bytes(): Buffer } {
  const pieces: Buffer[] = [];
  let calls = 0;
  return {
    take(bytes) {
      pieces.push(Buffer.from(bytes));
      calls++;
      return slowEvery > 0 && calls % slowEvery === 0 ? new Promise((resolve) => setTimeout(resolve, 5)) : undefined;
    },
    bytes: () => Buffer.concat(pieces),
  };
}

/**
 * A sink that offers memory of its own, at most `window` bytes at a time, to be read into in place.
 * It counts the takes that came in that memory, and keeps every piece it offered so a test can see
 * whether anything was written there afterwards.
 */
function inPlaceSink(window: number, slowEvery = 0): ByteSink & { bytes(): Buffer; inPlace: number; takes: number; offered: Buffer[] } {
  const pieces: Buffer[] = [];
  let last: Buffer | undefined;
  const sink = {
    inPlace: 0,
    takes: 0,
    offered: [] as Buffer[],
    space(limit: number): Uint8Array {
      last = Buffer.alloc(Math.min(limit, window));
      sink.offered.push(last);
      return last;
    },
    take(bytes: Uint8Array): Promise<void> | undefined {
      if (last !== undefined && bytes.buffer === last.buffer && bytes.byteOffset === last.byteOffset) sink.inPlace++;
      pieces.push(Buffer.from(bytes));
      sink.takes++;
      return slowEvery > 0 && sink.takes % slowEvery === 0 ? new Promise((resolve) => setTimeout(resolve, 5)) : undefined;
    },
    bytes: () => Buffer.concat(pieces),
  };
  return sink;
}

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('DirectHttpHandler', () => {
  test('answers go to a sink byte for byte, over one kept-open connection, with waits when the sink asks', async () => {
    const handler = new DirectHttpHandler(5000);
    const before = connections;
    for (const [size, slowEvery] of [[1, 0], [3 * 1024 * 1024 + 5, 3], [65_536, 1], [0, 0]] as const) {
      const { response } = await handler.handle(get('/fixed', { size: String(size) }, { range: 'bytes=0-' }));
      assert.equal(response.statusCode, 206);
      assert.equal(response.headers['x-range'], 'bytes=0-');
      const sink = collectingSink(slowEvery);
      await (response.body as ResponseBody).receiveInto(sink);
      assert.equal(sha256(sink.bytes()), sha256(pattern(size)), `${size} bytes`);
    }
    assert.equal(connections - before, 1);
    handler.destroy();
  });

  test('a body is read straight into memory the sink offers, and no later read lands there', async () => {
    const handler = new DirectHttpHandler(5000);
    const before = connections;
    const size = 2 * 1024 * 1024 + 3;
    const first = await handler.handle(get('/fixed', { size: String(size) }));
    const sink = inPlaceSink(100_000, 4);
    await (first.response.body as ResponseBody).receiveInto(sink);
    assert.equal(sha256(sink.bytes()), sha256(pattern(size)));
    // The bytes that came with the head, and the one read already asked for before the sink was
    // there, are copied; every read after that lands in the sink's memory.
    assert.ok(sink.inPlace >= sink.takes - 2 && sink.inPlace >= size / 100_000, `${sink.inPlace} of ${sink.takes} takes in place`);
    for (const piece of sink.offered) piece.fill(0xee);
    // The next answer on the same connection, head and body, goes elsewhere.
    const second = await handler.handle(get('/fixed', { size: '300000' }));
    const other = collectingSink();
    await (second.response.body as ResponseBody).receiveInto(other);
    assert.equal(sha256(other.bytes()), sha256(pattern(300_000)));
    assert.ok(sink.offered.every((piece) => piece.every((byte) => byte === 0xee)), 'a read after the body wrote into memory its sink had offered');
    assert.equal(connections - before, 1);
    handler.destroy();
  });

  test('a chunked body, read as a stream or into a sink, is decoded exactly', async () => {
    const handler = new DirectHttpHandler(5000);
    const size = 500_000;
    const streamed = await readStream((await handler.handle(get('/chunked', { size: String(size) }))).response.body as Readable);
    assert.equal(sha256(streamed), sha256(pattern(size, 7)));
    const sink = collectingSink(2);
    await ((await handler.handle(get('/chunked', { size: String(size) }))).response.body as ResponseBody).receiveInto(sink);
    assert.equal(sha256(sink.bytes()), sha256(pattern(size, 7)));
    handler.destroy();
  });

  test('an error answer comes back whole, for the SDK to parse, and the connection is reused', async () => {
    const handler = new DirectHttpHandler(5000);
    const before = connections;
    const { response } = await handler.handle(get('/missing'));
    assert.equal(response.statusCode, 404);
    assert.equal((await readStream(response.body as Readable)).toString(), '<Error><Code>NoSuchKey</Code></Error>');
    const next = await handler.handle(get('/fixed', { size: '10' }));
    assert.equal((await readStream(next.response.body as Readable)).length, 10);
    assert.equal(connections - before, 1);
    handler.destroy();
  });

  test('the query is escaped as the signature covers it, and the host header is sent', async () => {
    const handler = new DirectHttpHandler(5000);
    const { response } = await handler.handle(get('/echo', { 'x-id': 'GetObject', note: "a b/c!'()*" }, { 'x-signed': 'yes' }));
    assert.equal((await readStream(response.body as Readable)).toString(), `GET /echo?note=a%20b%2Fc%21%27%28%29%2A&x-id=GetObject 127.0.0.1:${port} yes`);
    handler.destroy();
  });

  test('a server that closes after its answer gets a new connection for the next request', async () => {
    const handler = new DirectHttpHandler(5000);
    const before = connections;
    for (let round = 0; round < 2; round++) {
      const { response } = await handler.handle(get('/close', { size: '1000' }));
      const sink = collectingSink();
      await (response.body as ResponseBody).receiveInto(sink);
      assert.equal(sink.bytes().length, 1000);
    }
    assert.equal(connections - before, 2);
    handler.destroy();
  });

  test('a body cut short fails with a reset the SDK retries, and that connection is not reused', async () => {
    const handler = new DirectHttpHandler(5000);
    const { response } = await handler.handle(get('/cut', { size: '200000' }));
    await assert.rejects((response.body as ResponseBody).receiveInto(collectingSink()), (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET');
    const before = connections;
    const next = await handler.handle(get('/fixed', { size: '5' }));
    assert.equal((await readStream(next.response.body as Readable)).length, 5);
    assert.equal(connections - before, 1);
    handler.destroy();
  });

  test('a server that stops sending fails with a TimeoutError after the timeout', async () => {
    const handler = new DirectHttpHandler(300);
    const { response } = await handler.handle(get('/stall', { size: '100' }));
    await assert.rejects((response.body as ResponseBody).receiveInto(collectingSink()), (error: Error) => error.name === 'TimeoutError' && /no answer from 127\.0\.0\.1/.test(error.message));
    // Timed out before anyone asked for the body: asking later still says why.
    const late = await handler.handle(get('/stall', { size: '100' }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await assert.rejects((late.response.body as ResponseBody).receiveInto(collectingSink()), (error: Error) => error.name === 'TimeoutError');
    handler.destroy();
  });

  test('a request with a body is refused: the transport is for GETs', async () => {
    const handler = new DirectHttpHandler(5000);
    await assert.rejects(handler.handle({ ...get('/fixed'), method: 'PUT', body: 'data' } as HttpRequest), /sends no request bodies/);
  });
});

describe('DirectHttpHandler against a hand-written server', () => {
  let raw: TcpServer;
  let rawPort: number;
  let respond: (socket: Socket) => void = () => undefined;

  beforeAll(async () => {
    raw = createTcpServer((socket) => socket.once('data', () => respond(socket)));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    rawPort = (raw.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => raw.close(resolve));
  });

  test('a head split across reads, after an interim 100 Continue, is read whole', async () => {
    const body = pattern(70_000, 3);
    respond = (socket) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Le');
      setTimeout(() => socket.write(`ngth: ${body.length}\r\nX-Part: two\r\n`), 20);
      setTimeout(() => socket.end(Buffer.concat([Buffer.from('\r\n'), body])), 40);
    };
    const handler = new DirectHttpHandler(5000);
    const { response } = await handler.handle(get('/', {}, {}, rawPort));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-part'], 'two');
    const sink = collectingSink();
    await (response.body as ResponseBody).receiveInto(sink);
    assert.equal(sha256(sink.bytes()), sha256(body));
    handler.destroy();
  });

  test('a body that ends with the connection, without a length, is read to its end', async () => {
    const body = pattern(123_457, 5);
    respond = (socket) => socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), body]));
    const handler = new DirectHttpHandler(5000);
    const { response } = await handler.handle(get('/', {}, {}, rawPort));
    assert.equal(sha256(await readStream(response.body as Readable)), sha256(body));
    handler.destroy();
  });

  test('an answer that is not HTTP is refused, naming the server', async () => {
    respond = (socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n');
    const handler = new DirectHttpHandler(5000);
    await assert.rejects(handler.handle(get('/', {}, {}, rawPort)), /127\.0\.0\.1 sent a response that is not HTTP\/1\.1/);
    handler.destroy();
  });

  /**
   * Sends `answer` as is to the next request and keeps the connection open, as a server that goes on
   * waiting would: a read that trusts the answer's framing too far would hang until the timeout.
   */
  async function readAnswer(answer: string): Promise<{ body: Buffer; error?: Error; milliseconds: number }> {
    respond = (socket) => socket.write(answer, 'latin1');
    const handler = new DirectHttpHandler(3000);
    const started = performance.now();
    const sink = collectingSink();
    try {
      const { response } = await handler.handle(get('/', {}, {}, rawPort));
      await (response.body as ResponseBody).receiveInto(sink);
      return { body: sink.bytes(), milliseconds: performance.now() - started };
    } catch (error) {
      return { body: sink.bytes(), error: error as Error, milliseconds: performance.now() - started };
    } finally {
      handler.destroy();
    }
  }

  /** The read fails at once with an error that names the server and matches `reason`; returns what reached the sink. */
  async function assertRefused(answer: string, reason: RegExp): Promise<Buffer> {
    const outcome = await readAnswer(answer);
    assert.ok(outcome.error !== undefined, `${JSON.stringify(answer.slice(0, 80))} was read as ${outcome.body.length} bytes`);
    assert.match(outcome.error.message, /127\.0\.0\.1/);
    assert.match(outcome.error.message, reason);
    assert.ok(outcome.milliseconds < 1500, `refused after ${Math.round(outcome.milliseconds)} ms: ${outcome.error.message}`);
    return outcome.body;
  }

  test('a response head longer than 64 KiB is refused, without waiting for its end', async () => {
    await assertRefused(`HTTP/1.1 200 OK\r\nx-filler: ${'a'.repeat(70_000)}\r\n`, /response head .* is longer than 65536 bytes/);
  });

  test('a chunk size that is not all hexadecimal digits, or too large, is refused', async () => {
    for (const size of ['zz', '5zz', '', '-5', '0x5', '5 5', '1fffffffffffffffff']) {
      await assertRefused(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${size}\r\nhello\r\n0\r\n\r\n`, /malformed chunked body/);
    }
  });

  test('chunk data longer than its size is refused, not dropped', async () => {
    await assertRefused('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhelloEXTRA\r\n0\r\n\r\n', /malformed chunked body/);
  });

  test('a chunk extension and trailer fields are read past', async () => {
    const outcome = await readAnswer('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6 \r\n world\r\n0\r\nx-trailer: yes\r\n\r\n');
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.body.toString(), 'hello world');
  });

  test('Content-Length given twice with one value is read as that value', async () => {
    const outcome = await readAnswer('HTTP/1.1 200 OK\r\ncontent-length: 5\r\nContent-Length: 5\r\n\r\nhello');
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.body.toString(), 'hello');
    assert.ok(outcome.milliseconds < 1500);
  });

  test('Content-Length given twice with different values, or not a number, is refused', async () => {
    await assertRefused('HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 10\r\n\r\nhello', /conflicting Content-Length \(5, 10\)/);
    await assertRefused('HTTP/1.1 200 OK\r\ncontent-length: 5, 10\r\n\r\nhello', /conflicting Content-Length/);
    for (const length of ['five', '-5', '5 5', '+5', '']) {
      await assertRefused(`HTTP/1.1 200 OK\r\ncontent-length: ${length}\r\n\r\nhello`, /invalid Content-Length/);
    }
  });

  test('Transfer-Encoding beside Content-Length, or other than chunked, is refused', async () => {
    await assertRefused('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n', /both Transfer-Encoding and Content-Length/);
    await assertRefused('HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', /Transfer-Encoding "gzip, chunked"/);
  });

  test('lines ended by a bare LF or CR are refused, in the head and in chunk sizes', async () => {
    await assertRefused('HTTP/1.1 200 OK\ncontent-length: 5\n\nhello', /bare LF or CR/);
    await assertRefused('HTTP/1.1 200 OK\r\ncontent-length: 5\n\r\nhello', /bare LF or CR/);
    await assertRefused('HTTP/1.1 200 OK\r\nx-odd: a\rb\r\ncontent-length: 5\r\n\r\nhello', /bare LF or CR/);
    await assertRefused('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n', /bare LF or CR/);
  });

  test('a header line folded onto the next, or with a space before its colon, is refused', async () => {
    await assertRefused('HTTP/1.1 200 OK\r\nx-long: a\r\n  b\r\ncontent-length: 5\r\n\r\nhello', /not HTTP\/1\.1/);
    await assertRefused('HTTP/1.1 200 OK\r\ncontent-length : 5\r\n\r\nhello', /not HTTP\/1\.1/);
  });

  test('a body longer than its Content-Length is refused, and no byte past the length reaches the sink', async () => {
    const announced = await assertRefused('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhelloEXTRA', /more bytes than its Content-Length \(5\)/);
    assert.equal(announced.toString(), 'hello');
    const chunked = await assertRefused('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nEXTRA', /more bytes than its chunked body/);
    assert.equal(chunked.toString(), 'hello');
  });
});

describe('DirectHttpHandler over TLS', () => {
  // A CA the test trusts only through NODE_EXTRA_CA_CERTS, which node reads at start: the client runs in a child.
  test('verifies the server against the trusted CAs, by host name and by address, and reads the body exactly', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'stoat-tls-test-'));
    const tlsServer = createHttpsServer();
    try {
      const key = join(directory, 'key.pem');
      const certificate = join(directory, 'certificate.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certificate, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
      const body = pattern(300_000, 9);
      tlsServer.setSecureContext({ key: readFileSync(key), cert: readFileSync(certificate) });
      tlsServer.on('request', (_request: IncomingMessage, response: ServerResponse) => {
        response.writeHead(200, { 'content-length': body.length });
        response.end(body);
      });
      await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
      const tlsPort = (tlsServer.address() as AddressInfo).port;
      const client = join(directory, 'client.mts');
      writeFileSync(
        client,
        [
          `import { createHash } from 'node:crypto';`,
          `import { DirectHttpHandler } from ${JSON.stringify(fileURLToPath(new URL('../../../../src/remote/s3/transport/directHttpHandler.ts', import.meta.url)))};`,
          `const handler = new DirectHttpHandler(5000);`,
          `for (const hostname of process.argv.slice(2)) {`,
          `  const { response } = await handler.handle({ method: 'GET', protocol: 'https:', hostname, port: ${tlsPort}, path: '/', query: {}, headers: {} });`,
          `  const hash = createHash('sha256');`,
          `  await response.body.receiveInto({ take: (bytes) => void hash.update(bytes) });`,
          `  console.log(hostname, hash.digest('hex'));`,
          `}`,
          `handler.destroy();`,
        ].join('\n'),
      );
      const run = (trust: boolean, ...hostnames: string[]) =>
        spawnAsync(process.execPath, ['--import', 'tsx', client, ...hostnames], { ...process.env, NODE_EXTRA_CA_CERTS: trust ? certificate : '' });
      const trusted = await run(true, 'localhost', '127.0.0.1');
      assert.equal(trusted.code, 0, trusted.stderr);
      assert.deepEqual(trusted.stdout.trim().split('\n'), [`localhost ${sha256(body)}`, `127.0.0.1 ${sha256(body)}`]);
      const untrusted = await run(false, 'localhost');
      assert.notEqual(untrusted.code, 0);
      assert.match(untrusted.stderr, /self[- ]signed certificate/i);
    } finally {
      tlsServer.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

function spawnAsync(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
