// A counting HTTP proxy in front of s3rver, run as its own process:
//   node --import tsx scripts/bench/countingProxy.ts UPSTREAM_PORT
// It prints `listening PORT` once ready. It forwards every request unchanged (the Host header too:
// SigV4 signs it, so the client's signature must still match) and counts requests and body bytes.
// `GET /__stoat_bench__/counters` answers the counters as JSON and resets them.
// Bodies are piped, never buffered, so the proxy adds a copy per chunk but no waiting.
import { Agent, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse, createServer, request } from 'node:http';
import { countersPath, emptyTraffic, isContent, requestKind } from './traffic.js';

const upstreamPort = Number(process.argv[2]);
if (!Number.isInteger(upstreamPort) || upstreamPort <= 0) {
  console.error('usage: countingProxy.ts UPSTREAM_PORT');
  process.exit(2);
}

// Keep-alive with no socket cap: the proxy must not limit a client's concurrency below its own.
// Idle connections are dropped after 4 s, before s3rver's server closes them at 5 s: a request sent
// on a connection the server is closing meanwhile fails, and one with a body cannot be sent again.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity, timeout: 4_000 });
let counters = emptyTraffic();
const detailsKept = 10;

function countFailure(detail: string): void {
  counters.failures += 1;
  if (counters.failureDetails.length < detailsKept) counters.failureDetails.push(detail);
}

// Hop-by-hop headers belong to one connection, not to the request; `expect` is left out because the
// proxy's own server already answered 100-continue (botocore does not sign it).
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'expect', 'te', 'trailer']);

function forwardableHeaders(headers: IncomingMessage['headers']): OutgoingHttpHeaders {
  const forwarded: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!hopByHop.has(name) && value !== undefined) forwarded[name] = value;
  return forwarded;
}

function answerCounters(response: ServerResponse): void {
  const body = JSON.stringify(counters);
  counters = emptyTraffic();
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function forward(incoming: IncomingMessage, outgoing: ServerResponse): void {
  const url = incoming.url ?? '/';
  const content = isContent(url);
  const kind = `${incoming.method} ${requestKind(url)}`;
  counters.requests += 1;
  counters.byKind[kind] = (counters.byKind[kind] ?? 0) + 1;

  // Judged from the headers, before anything is read: only a request without a body can be resent.
  const hasBody = (incoming.headers['content-length'] ?? '0') !== '0' || incoming.headers['transfer-encoding'] !== undefined;
  let current: ClientRequest | undefined;

  const send = (isRetry: boolean): void => {
    const options = { host: '127.0.0.1', port: upstreamPort, method: incoming.method, path: url, headers: forwardableHeaders(incoming.headers), agent: isRetry ? false : agent };
    const upstream = request(options, (answer) => {
      const status = answer.statusCode ?? 502;
      if (status >= 500) countFailure(`${kind}: status ${status}`);
      outgoing.writeHead(status, forwardableHeaders(answer.headers));
      answer.on('data', (chunk: Buffer) => {
        counters.bytesReceived += chunk.length;
        if (content) counters.contentBytesReceived += chunk.length;
      });
      answer.pipe(outgoing);
    });
    current = upstream;
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection that the server closed just as the proxy reused it: nothing reached
      // the server, so a request without a body goes again on a new connection, as a client's
      // own connection pool would do. The client should not pay for the proxy's pool.
      if (!isRetry && !hasBody && upstream.reusedSocket && error.code === 'ECONNRESET' && !outgoing.headersSent) {
        counters.proxyRetries += 1;
        send(true);
        return;
      }
      countFailure(`${kind}: ${error.code ?? error.message}${upstream.reusedSocket ? ' on a reused connection' : ''}`);
      // The rest of a body the server will never see is read and dropped, so that the client, still
      // sending it, gets to read the error and retry instead of waiting on a full connection.
      incoming.unpipe(upstream);
      incoming.resume();
      if (!outgoing.headersSent) {
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`counting proxy: ${error.message}`);
      } else outgoing.destroy(error);
    });
    if (hasBody) incoming.pipe(upstream);
    else upstream.end();
  };

  // A client that gives up mid-transfer must not leave the upstream request hanging.
  outgoing.on('close', () => {
    if (!outgoing.writableFinished) current?.destroy();
  });
  incoming.on('data', (chunk: Buffer) => {
    counters.bytesSent += chunk.length;
    if (content) counters.contentBytesSent += chunk.length;
  });
  send(false);
}

const server = createServer((incoming, outgoing) => {
  if (incoming.url === countersPath) answerCounters(outgoing);
  else forward(incoming, outgoing);
});
// Clients keep connections open between commands; the default 5 s would close some mid-case.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy got no port');
  console.log(`listening ${address.port}`);
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
