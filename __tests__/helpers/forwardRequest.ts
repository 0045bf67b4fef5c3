import { type IncomingMessage, request, type ServerResponse } from 'node:http';

/**
 * Passes a request on to `upstream` and its answer back. With `cutHalfway`, the connection drops once
 * half the body (or a little more) has reached the client: what a flaky network does mid-download.
 */
export function forwardRequest(incoming: IncomingMessage, answer: ServerResponse, upstream: URL, cutHalfway: boolean): void {
  const forwarded = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response) => {
    answer.writeHead(response.statusCode ?? 502, response.headers);
    if (!cutHalfway) {
      response.pipe(answer);
      return;
    }
    const length = Number(response.headers['content-length'] ?? 0);
    let sent = 0;
    response.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (sent < length / 2) return void answer.write(chunk);
      response.destroy();
      answer.write(chunk, () => answer.socket?.destroy());
    });
    response.on('end', () => answer.socket?.destroy());
  });
  forwarded.on('error', () => answer.socket?.destroy());
  incoming.pipe(forwarded);
}
