/**
 * A real HTTP server on 127.0.0.1 serving files the way a model host does: Content-Length,
 * `Accept-Ranges: bytes`, 206 answers to `Range`, HEAD, extra headers per file (Hugging Face's
 * X-Linked-ETag), 404 for anything else. It can cut the connection in the middle of a body once,
 * or hold ranged bodies until released, to test resuming.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterThisTest } from './temp-dir.js';

export interface ServedFile {
  body: Buffer;
  headers?: Record<string, string>;
  /** Answer without Accept-Ranges and ignore Range. */
  noRanges?: boolean;
}

export interface SeenRequest {
  method: string;
  path: string;
  range: string | undefined;
  /** Body bytes the server wrote for it (0 for HEAD). */
  sent: number;
}

export interface GgufServer {
  base: string;
  url(path: string): string;
  files: Map<string, ServedFile>;
  requests: SeenRequest[];
  /** The next GET carrying a Range header gets `afterBytes` bytes of its body, then the connection is destroyed. */
  cutNextRange(afterBytes: number): Promise<void>;
  /**
   * Ranged GETs stop sending at byte `offset` of the file (one starting there or later after 64 KiB)
   * and wait for `release()`: everything before `offset` arrives whole, the rest never does.
   */
  holdFrom(offset: number): { release(): void };
}

export async function startGgufServer(files: Record<string, ServedFile> = {}): Promise<GgufServer> {
  const served = new Map(Object.entries(files));
  const requests: SeenRequest[] = [];
  let cut: { afterBytes: number; done(): void } | null = null;
  let hold: { offset: number; gate: Promise<void> } | null = null;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const seen: SeenRequest = { method: req.method ?? 'GET', path, range: req.headers.range, sent: 0 };
    requests.push(seen);
    const file = served.get(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const size = file.body.length;
    let start = 0;
    let end = size - 1;
    const range = file.noRanges ? null : /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
    }
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': String(end - start + 1),
      ...(file.noRanges ? {} : { 'accept-ranges': 'bytes' }),
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
      ...file.headers,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    let limit = end + 1;
    let after: (() => void) | null = null;
    if (range && cut) {
      const { afterBytes, done } = cut;
      cut = null;
      limit = Math.min(limit, start + afterBytes);
      after = () => {
        res.destroy();
        done();
      };
    } else if (range && hold && end + 1 > Math.max(hold.offset, start + 64 * 1024)) {
      const { offset, gate } = hold;
      limit = Math.max(offset, start + 64 * 1024);
      after = () => {
        void gate.then(() => {
          if (!res.destroyed) write(limit, end + 1, () => res.end());
        });
      };
    }
    let position = start;
    const write = (from: number, to: number, then: () => void) => {
      position = from;
      const next = () => {
        while (position < to && !res.destroyed) {
          const chunk = file.body.subarray(position, Math.min(to, position + 64 * 1024));
          position += chunk.length;
          seen.sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', next);
        }
        if (!res.destroyed) then();
      };
      next();
    };
    write(start, limit, after ?? (() => res.end()));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterThisTest(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    base,
    url: (path) => `${base}${path}`,
    files: served,
    requests,
    cutNextRange(afterBytes) {
      return new Promise((resolve) => {
        cut = { afterBytes, done: resolve };
      });
    },
    holdFrom(offset) {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      hold = { offset, gate };
      return {
        release: () => {
          hold = null;
          release();
        },
      };
    },
  };
}
