/**
 * An HTTP proxy in front of `ducklm serve` whose connections a test can cut, like a network that
 * drops: the browser's open streams die mid-answer and new connections fail until `restore()`.
 * Host, Origin and Referer are rewritten to the server's own, which checks them.
 */
import { createServer, request, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterThisTest } from './temp-dir.js';

export interface CuttingProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Drops every open connection and refuses new ones. */
  cut(): void;
  restore(): void;
}

export async function startCuttingProxy(target: string): Promise<CuttingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let down = false;
  let url = '';
  const rewrite = (value: string | undefined) => value?.replace(url, upstream.origin);
  const server = createServer((req: IncomingMessage, res) => {
    if (down) return req.socket.destroy();
    const headers: OutgoingHttpHeaders = { ...req.headers, host: upstream.host, origin: rewrite(req.headers.origin), referer: rewrite(req.headers.referer) };
    for (const name of ['origin', 'referer'] as const) if (headers[name] === undefined) delete headers[name];
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      // A cut client connection also hangs up on the server, as a real network drop would.
      res.on('close', () => answer.destroy());
    });
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    if (down) return socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterThisTest(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    url,
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      down = false;
    },
  };
}
