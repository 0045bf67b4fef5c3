import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

/**
 * How the proxy misbehaves: pass requests through, answer 500, reset the connection part-way
 * through the response, or accept the request and never answer.
 */
export type Fault = 'pass' | 'error' | 'reset' | 'stall';

export interface FaultProxy {
  url: string;
  /**
   * Sets the fault for requests with these methods, or that `methods` picks (all requests when not
   * given), for the next `times` of them when given, after which requests pass again.
   */
  setFault(fault: Fault, methods?: string[] | ((request: IncomingMessage) => boolean), times?: number): void;
  requests: number;
  stop(): Promise<void>;
}

/** A proxy on loopback in front of a real S3 server, to break it on purpose. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let fault: Fault = 'pass';
  let faultMethods: string[] | ((request: IncomingMessage) => boolean) | undefined;
  let faultsLeft = Infinity;
  const sockets = new Set<Socket>();
  const proxy: FaultProxy = {
    url: '',
    requests: 0,
    setFault(next, methods, times = Infinity) {
      fault = next;
      faultMethods = methods;
      faultsLeft = times;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((incoming: IncomingMessage, answer: ServerResponse) => {
    proxy.requests++;
    const picked = faultMethods === undefined || (typeof faultMethods === 'function' ? faultMethods(incoming) : faultMethods.includes(incoming.method ?? ''));
    const matches = faultsLeft > 0 && picked;
    const active = matches ? fault : 'pass';
    if (matches) faultsLeft--;
    if (active === 'stall') return;
    if (active === 'error') {
      incoming.resume();
      answer.writeHead(500, { 'content-type': 'application/xml' });
      answer.end('<?xml version="1.0"?><Error><Code>InternalError</Code><Message>injected</Message></Error>');
      return;
    }
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        answer.writeHead(response.statusCode ?? 502, response.headers);
        if (active !== 'reset') {
          response.pipe(answer);
          return;
        }
        // Half the body, then the connection drops: what a flaky network does mid-download.
        const length = Number(response.headers['content-length'] ?? 0);
        let sent = 0;
        response.on('data', (chunk: Buffer) => {
          sent += chunk.length;
          answer.write(chunk);
          if (sent >= length / 2) answer.socket?.destroy();
        });
        response.on('end', () => answer.socket?.destroy());
      },
    );
    forwarded.on('error', () => answer.socket?.destroy());
    incoming.pipe(forwarded);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
