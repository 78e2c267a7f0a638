/**
 * A proxy in front of a server, for cutting the network between a client and it: `cut()` drops
 * every open connection and stops listening (new connections are refused, as with a server that
 * is down); `restore()` listens again on the same port. It speaks HTTP only to rewrite the Host
 * header, and a browser's Origin, which the server checks against its own address (the
 * DNS-rebinding and cross-origin guards); bodies, event streams included, pass through as they come.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterThisTest } from './temp-dir.js';

export interface NetworkProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
}

export async function startNetworkProxy(target: string): Promise<NetworkProxy> {
  const { hostname, port: targetPort, host, origin } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const listen = async () => {
    const next = createServer((req, res) => {
      // Only the page's own origin (the proxy's) becomes the server's; any other stays as it came.
      const headers = { ...req.headers, host, ...(req.headers.origin === `http://127.0.0.1:${port}` ? { origin } : {}) };
      const upstream = request({ hostname, port: Number(targetPort), method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // Event streams must not wait in a buffer.
        res.flushHeaders();
        answer.pipe(res);
      });
      upstream.on('socket', track);
      // A cut shows up here as errors on both sides: that is the point.
      upstream.on('error', () => res.destroy());
      req.on('error', () => upstream.destroy());
      req.pipe(upstream);
    });
    next.on('connection', track);
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
  return { url: `http://127.0.0.1:${port}`, cut, restore: listen };
}
