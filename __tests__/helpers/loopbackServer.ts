import { type Server } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

/**
 * Starts `server` on a free loopback port and keeps its connections, so that `stop` can end them
 * (a server closes only once its last keep-alive connection has gone).
 */
export async function listenOnLoopback(server: Server): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
