import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VERSION } from '../../version.js';
import { createHostPolicy } from './allowed-hosts.js';
import { isWebRequest } from '../web-page.js';
import { presentedToken, sessionCookie, tokensEqual } from './credentials.js';

export interface SecurityOptions {
  /** The API token every request must present. */
  token: string;
  /** The configured listen host and port; the bound port is read from the server once listening. */
  host: string;
  port: number;
  allowRemote: boolean;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function deny(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.status(status).send({ error: { code, message } });
}

/**
 * Guards every route, the 404 handler included, before routing work or body parsing happens:
 * 1. Host must be one of our exact names with our port (DNS rebinding);
 * 2. an Origin, when sent, must be our own (cross-site requests from a browser);
 * 3. the API token (bearer header, `?token=` on a GET, or the session cookie), except for the
 *    web page and its files, which are public and where `?token=` signs a browser in;
 * 4. a request body must be JSON: a text/plain POST is what a cross-site form or a no-cors
 *    fetch can send without a preflight, so it is refused before anything runs.
 * No CORS headers are ever sent, so browsers keep other origins from reading our answers.
 *
 * Call it before the routes are registered.
 */
export function registerSecurity(server: FastifyInstance, options: SecurityOptions): void {
  const boundPort = (): number => {
    const address = server.server.address();
    return typeof address === 'object' && address ? address.port : options.port;
  };
  const hosts = createHostPolicy({ host: options.host, allowRemote: options.allowRemote, port: boundPort });

  // Fastify parses text/plain bodies by default; no route of ours takes one.
  server.removeContentTypeParser('text/plain');

  server.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const port = boundPort();
    if (!hosts.allowsHost(request.headers.host)) {
      return deny(reply, 403, 'forbidden_host', `This server answers only to http://127.0.0.1:${port} (and localhost, [::1]); the Host header names something else.`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !hosts.allowsOrigin(origin)) {
      return deny(reply, 403, 'forbidden_origin', 'Requests from other web origins are not allowed.');
    }

    const presented = presentedToken(request, port);
    if (isWebRequest(request)) {
      // The page and its scripts are public (no data, no secret): without a session it shows how
      // to sign in. Opening it with the right `?token=` is what signs a browser in.
      if (presented?.source === 'query' && tokensEqual(presented.token, options.token)) signIn(reply, options.token, port);
      return undefined;
    }
    if (!presented && isHealth(request)) {
      // Health stays open so that scripts and supervisors can see the server is up, but without
      // the token it says only that and the version: no model server address, no model details.
      return reply.send({ status: 'ok', version: VERSION });
    }
    if (!presented || !tokensEqual(presented.token, options.token)) {
      void reply.header('www-authenticate', 'Bearer realm="ducklm"');
      const message = presented
        ? 'The API token is wrong.'
        : 'This API needs its token: send "Authorization: Bearer <token>" (`ducklm token` prints it), or open the link `ducklm serve` printed.';
      return deny(reply, 401, 'unauthorized', message);
    }
    if (presented.source === 'query') signIn(reply, options.token, port);

    if (BODY_METHODS.has(request.method) && hasBody(request) && !isJson(request.headers['content-type'])) {
      return deny(reply, 415, 'unsupported_media_type', 'A request body must be JSON, sent with "Content-Type: application/json".');
    }
    return undefined;
  });
}

function signIn(reply: FastifyReply, token: string, port: number): void {
  void reply.header('set-cookie', sessionCookie(token, port));
  // The token is in this page's URL: never send it on in a Referer.
  void reply.header('referrer-policy', 'no-referrer');
}

function isHealth(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && request.routeOptions.url === '/v1/health';
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
