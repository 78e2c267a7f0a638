import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `vite build` puts the page: dist/web, beside dist/http (this file) and above src/http. */
export const WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The page may load only its own scripts and styles and talk only to this server; no inline
 * script runs, no other site can frame it, and its forms post nowhere else.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  /** Vite names what it builds by content hash, so those files never change under their name. */
  immutable: boolean;
}

/** Whether a request is for the page or its files, which are public: they hold no secret and no data. */
export function isWebRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  return path === '/' || path === '/index.html' || path === '/favicon.svg' || path.startsWith('/assets/');
}

/** Reads the built page into memory once; an empty map when it was never built. */
export function loadWebAssets(dir: string = WEB_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of safeReaddir(folder)) {
      const full = join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const body = readFileSync(full);
        const path = `/${relative(dir, full).split(sep).join('/')}`;
        assets.set(path, {
          body,
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`,
          immutable: path.startsWith('/assets/'),
        });
      }
    }
  };
  walk(dir);
  return assets;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ducklm</title></head>
<body><p>ducklm is running, but its web page has not been built: run <code>npm run build</code> and restart.</p></body></html>
`;

/** Serves the web page at `/` and its files under `/assets/`. */
export function registerWebPage(server: FastifyInstance, assets: Map<string, Asset> = loadWebAssets()): void {
  const send = (request: FastifyRequest, reply: FastifyReply, asset: Asset) => {
    void reply
      .header('content-type', asset.type)
      .header('etag', asset.etag)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    return reply.send(asset.body);
  };

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('content-security-policy', PAGE_CSP).header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    const index = assets.get('/index.html');
    if (!index) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    return send(request, reply, index);
  };
  server.get('/', page);
  server.get('/index.html', page);

  const file = async (request: FastifyRequest, reply: FastifyReply) => {
    const asset = assets.get(request.url.split('?')[0] ?? '');
    if (!asset) return reply.status(404).send({ error: { code: 'not_found', message: 'No such file.' } });
    return send(request, reply, asset);
  };
  server.get('/favicon.svg', file);
  server.get('/assets/*', file);
}

function safeReaddir(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}
