import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Where a request may carry the API token, strongest first:
 * - `Authorization: Bearer <token>`: scripts, curl, other front ends;
 * - `?token=<token>` on a GET: the sign-in link `ducklm serve` prints, which also sets the cookie;
 * - the session cookie: the web page's own requests after that link was opened.
 */
export type TokenSource = 'header' | 'query' | 'cookie';

export interface PresentedToken {
  source: TokenSource;
  token: string;
}

/**
 * The cookie's name carries the port: cookies are shared by every port of a host, and two ducklm
 * servers (two data folders, two tokens) must not overwrite each other's sign-in.
 */
export function cookieName(port: number): string {
  return `ducklm_token_${port}`;
}

/** HttpOnly: page scripts never see the token. SameSite=Strict: other sites' requests never carry it. */
export function sessionCookie(token: string, port: number): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * The credential a request presents, or null. One source decides: a wrong bearer token is a 401
 * even with a good cookie, so that a client with a stale token finds out instead of half-working.
 */
export function presentedToken(request: { method: string; url: string; headers: IncomingHttpHeaders }, port: number): PresentedToken | null {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
    // A malformed header still counts as presented, and fails: never fall through to the cookie.
    return { source: 'header', token: match?.[1] ?? '' };
  }
  if (request.method === 'GET' || request.method === 'HEAD') {
    const query = request.url.indexOf('?');
    const token = query >= 0 ? new URLSearchParams(request.url.slice(query + 1)).get('token') : null;
    if (token !== null) return { source: 'query', token };
  }
  const cookie = parseCookies(request.headers.cookie).get(cookieName(port));
  if (cookie === undefined) return null;
  // SameSite ignores ports: a page on 127.0.0.1:3000 is "same site" and its <img> or <script>
  // GETs would carry our cookie without an Origin header. Browsers say where a request comes
  // from in Sec-Fetch-Site; a cookie only counts from our own origin or the user's own navigation.
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return { source: 'cookie', token: '' };
  return { source: 'cookie', token: cookie };
}

/**
 * Constant-time comparison. Hashing first gives equal-length buffers, which timingSafeEqual
 * needs, without an early exit that would reveal the token's length.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected)) && presented.length > 0;
}
