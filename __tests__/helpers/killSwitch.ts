import { createServer, request, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

/**
 * When, in the life of the n-th request, the client is killed:
 * - `arrival`: the request reached the proxy and goes no further, as if the client died just before sending it;
 * - `midway`: half of its body has reached the server, which then sees the connection drop;
 * - `answered`: the server has done the request, but the client dies before it reads the answer.
 */
export type KillMoment = 'arrival' | 'midway' | 'answered';

/** One request as it reached the proxy. */
export interface SeenRequest {
  method: string;
  path: string;
  bodyBytes: number;
}

export interface KillSwitch {
  url: string;
  /** Every request that reached the proxy, in order of arrival. */
  seen: SeenRequest[];
  /** Whether the kill happened, and at which request (1-based). */
  firedAt: number | undefined;
  stop(): Promise<void>;
}

export interface KillPlan {
  /** 1-based number of the request that triggers the kill; undefined to only count. */
  request?: number;
  moment?: KillMoment;
  kill: () => void;
}

/**
 * A proxy on loopback in front of a real S3 server that kills its client (through `plan.kill`, a
 * SIGKILL) at a chosen request: a deterministic way to crash a save at each of its requests. A
 * client connection that closes part-way (the client died) aborts the forwarded request too, so the
 * server sees what it would see from a client killed while talking to it directly.
 */
export async function startKillSwitch(target: string, plan: KillPlan): Promise<KillSwitch> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const switchState: KillSwitch = {
    url: '',
    seen: [],
    firedAt: undefined,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const fire = (count: number): void => {
    if (switchState.firedAt !== undefined) return;
    switchState.firedAt = count;
    plan.kill();
  };
  const server: Server = createServer((incoming: IncomingMessage, answer: ServerResponse) => {
    const bodyBytes = Number(incoming.headers['content-length'] ?? 0);
    switchState.seen.push({ method: incoming.method ?? '', path: incoming.url ?? '', bodyBytes });
    const count = switchState.seen.length;
    const armed = plan.request === count && switchState.firedAt === undefined ? (plan.moment ?? 'arrival') : undefined;
    // A request from a client already killed never reaches the server (it cannot have been sent).
    if (armed === 'arrival' || switchState.firedAt !== undefined) {
      if (armed === 'arrival') fire(count);
      incoming.socket.destroy();
      return;
    }
    const forwarded: ClientRequest = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        if (armed === 'answered') {
          fire(count);
          response.resume();
          incoming.socket.destroy();
          return;
        }
        answer.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(answer);
      },
    );
    forwarded.on('error', () => incoming.socket.destroy());
    // The client died with this request half sent: the server must see the same broken upload.
    incoming.on('close', () => {
      if (!incoming.complete) forwarded.destroy();
    });
    if (armed !== 'midway' || bodyBytes === 0) {
      incoming.pipe(forwarded);
      return;
    }
    let sent = 0;
    incoming.on('data', (chunk: Buffer) => {
      if (sent >= bodyBytes / 2) return;
      forwarded.write(chunk);
      sent += chunk.length;
      if (sent < bodyBytes / 2) return;
      fire(count);
      // The dead client's connection closes, and with it (above) the upload: the server keeps what it got.
      incoming.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  switchState.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return switchState;
}
