/**
 * A TCP proxy in front of a server, for cutting the network between a client and it: `cut()`
 * drops every open connection and stops listening (new connections are refused, as with a server
 * that is down); `restore()` listens again on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterThisTest } from './temp-dir.js';

export interface TcpProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** How many client connections it has accepted so far. */
  readonly connections: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let connections = 0;
  let server: Server | null = null;
  let port = 0;

  const listen = async () => {
    const next = createServer((client) => {
      connections++;
      const upstream = connect(Number(targetPort), hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        // A reset on one side ends the other; the error itself is what the test causes.
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };

  const cut = async () => {
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  await listen();
  afterThisTest(cut);
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    cut,
    restore: listen,
  };
}
