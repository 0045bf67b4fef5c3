// One fetch of a whole object in ranged parts through one HTTP transport, as stoat restores a large
// blob: 32 MiB parts, 8 in flight, each landing in a PartSink (stoat's own, with no disk write), the
// SDK resolving, signing and parsing every request. Prints one JSON line: the CPU (user and system)
// and wall time of the fetch alone, after the process and its modules have started.
// Usage: node --import tsx scripts/bench/transportFetch.ts <direct|sdk|fetch|undici> <endpoint> <bucket> <key> <size>
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type HttpRequest, type HttpResponse, type RequestHandlerOutput } from '@smithy/types';
import { mapConcurrently } from '../../src/core/mapConcurrently.js';
import { type ByteSink, pumpInto } from '../../src/remote/byteSink.js';
import { DirectHttpHandler } from '../../src/remote/s3/transport/directHttpHandler.js';
import { ResponseBody } from '../../src/remote/s3/transport/responseBody.js';
import { PartSink } from '../../src/store/partSink.js';

const transports = ['direct', 'sdk', 'fetch', 'undici'] as const;
type Transport = (typeof transports)[number];

const partBytes = 32 * 1024 * 1024;
const partsInFlight = 8;

/** undici's own `request` (what `fetch` is built on, without the web streams) as the SDK's request handler. */
async function undiciHandler(): Promise<object> {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ keepAliveTimeout: 4000 });
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(message: HttpRequest): Promise<RequestHandlerOutput<HttpResponse>> {
      const query = new URLSearchParams(Object.entries(message.query ?? {}).map(([name, value]): [string, string] => [name, String(value ?? '')])).toString();
      const url = `${message.protocol}//${message.hostname}:${message.port}${message.path}${query === '' ? '' : `?${query}`}`;
      const answer = await request(url, { method: message.method as 'GET', headers: message.headers, dispatcher });
      const headers = Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]));
      return { response: { statusCode: answer.statusCode, reason: '', headers, body: answer.body } };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => void dispatcher.close(),
  };
}

async function requestHandler(transport: Transport): Promise<object | undefined> {
  if (transport === 'direct') return new DirectHttpHandler(30_000);
  if (transport === 'fetch') return new (await import('@smithy/fetch-http-handler')).FetchHttpHandler({ keepAlive: true });
  if (transport === 'undici') return undiciHandler();
  // The SDK's default: NodeHttpHandler on node:http, with keep-alive agents.
  return undefined;
}

/** Hands a response body to the sink the way stoat would for that transport. */
async function receive(body: unknown, sink: ByteSink): Promise<void> {
  if (body instanceof ResponseBody) return body.receiveInto(sink);
  const stream = body instanceof Readable ? body : Readable.fromWeb(body as import('node:stream/web').ReadableStream);
  await pumpInto(stream, sink);
}

async function fetchInParts(transport: Transport, endpoint: string, bucket: string, key: string, size: number): Promise<number> {
  const handler = await requestHandler(transport);
  const client = new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    ...(handler === undefined ? {} : { requestHandler: handler as S3Client['config']['requestHandler'] }),
  });
  const offsets = Array.from({ length: Math.ceil(size / partBytes) }, (_, index) => index * partBytes);
  const spare: Buffer[] = [];
  let received = 0;
  await mapConcurrently(offsets, partsInFlight, async (offset) => {
    const length = Math.min(partBytes, size - offset);
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` }));
    const sink = new PartSink(length, spare, async () => undefined, () => new Error(`more than ${length} bytes at ${offset}`));
    try {
      await receive(response.Body, sink);
      await sink.finish();
    } finally {
      await sink.settle();
    }
    received += sink.received;
  });
  client.destroy();
  return received;
}

const [transport, endpoint, bucket, key, size] = process.argv.slice(2);
if (!transports.includes(transport as Transport)) throw new Error(`transport "${transport}": give one of ${transports.join(', ')}`);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const received = await fetchInParts(transport as Transport, endpoint!, bucket!, key!, Number(size));
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
if (received !== Number(size)) throw new Error(`received ${received} bytes of ${size}`);
console.log(JSON.stringify({ transport, userMs: cpu.user / 1000, systemMs: cpu.system / 1000, wallMs }));
