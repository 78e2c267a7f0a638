import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ModelPullError } from './pull-error.js';

/** What the server says of the file before it is downloaded. */
export interface UpstreamFacts {
  /** A sha256 the server vouches for, lower case; null when it gives none. */
  sha256: string | null;
  /** The size it gives for the file itself (Hugging Face's X-Linked-Size), when it gives one. */
  size: number | null;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Asks the server (HEAD, not following redirects) what it knows of the file. Hugging Face answers
 * a `resolve` URL with a redirect to its CDN carrying `X-Linked-ETag` (the file's sha256) and
 * `X-Linked-Size`; other servers may send `Repr-Digest`/`Digest: sha-256=<base64>` (RFC 9530/3230).
 * A plain ETag is not trusted as a checksum: most servers make it some other way.
 * A 404 or 410 fails the pull at once; an unreachable server too; anything else (a 405, or a 403
 * from a URL signed for GET only) only means "nothing known", and the download itself tells.
 */
export async function upstreamFacts(url: string, signal?: AbortSignal): Promise<UpstreamFacts> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'HEAD', redirect: 'manual', headers: { 'accept-encoding': 'identity' }, signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000) });
  } catch (error) {
    if (signal?.aborted) throw new ModelPullError('cancelled', 'The pull was stopped.');
    throw new ModelPullError('unreachable', `Could not reach ${safeUrl(url)}: ${reason(error)}.`, { cause: error });
  }
  if (response.status === 404 || response.status === 410) throw new ModelPullError('upstream_not_found', `The server has no such file (HTTP ${response.status}): ${safeUrl(url)}`);
  const linked = unquote(response.headers.get('x-linked-etag'));
  const sha256 = linked && SHA256.test(linked) ? linked : digestSha256(response.headers.get('repr-digest') ?? response.headers.get('digest'));
  const linkedSize = Number(response.headers.get('x-linked-size'));
  return { sha256, size: Number.isSafeInteger(linkedSize) && linkedSize > 0 ? linkedSize : null };
}

function unquote(value: string | null): string | null {
  return value ? value.replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase() : null;
}

/** `sha-256=:<base64>:` (Repr-Digest) or `SHA-256=<base64>` (Digest) → hex. */
function digestSha256(header: string | null): string | null {
  if (!header) return null;
  const match = /(?:^|,)\s*sha-256=:?([A-Za-z0-9+/=]+):?/i.exec(header);
  if (!match) return null;
  const hex = Buffer.from(match[1]!, 'base64').toString('hex');
  return SHA256.test(hex) ? hex : null;
}

/** Every GGUF file starts with these four bytes. */
const GGUF_MAGIC = Buffer.from('GGUF', 'ascii');

export async function isGguf(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await file.read(head, 0, 4, 0);
    return bytesRead === 4 && head.equals(GGUF_MAGIC);
  } finally {
    await file.close();
  }
}

export async function sha256Of(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash, { signal });
  return hash.digest('hex');
}

/** What a finished download must match: each check only when its expectation is known. */
export interface Expected {
  size: number | null;
  sha256: string | null;
}

/**
 * Checks a downloaded file: its size against what the server announced, its first bytes for the
 * GGUF magic, and its sha256 when a checksum is known. Throws a ModelPullError saying which failed;
 * the caller removes the file.
 */
export async function checkDownloadedFile(path: string, expected: Expected, signal?: AbortSignal): Promise<{ size: number; sha256: string | null }> {
  const { size } = await stat(path);
  if (expected.size !== null && size !== expected.size) {
    throw new ModelPullError('size_mismatch', `The download has ${size} bytes but the server announced ${expected.size}; it was removed.`);
  }
  if (!(await isGguf(path))) throw new ModelPullError('not_gguf', 'The downloaded file is not a GGUF model (it does not start with "GGUF"); it was removed.');
  if (expected.sha256 === null) return { size, sha256: null };
  const actual = await sha256Of(path, signal);
  if (actual !== expected.sha256) throw new ModelPullError('checksum_mismatch', `The download's sha256 is ${actual}, not ${expected.sha256}; it was removed.`);
  return { size, sha256: actual };
}

export function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** The URL without its query: a signed CDN link's query is a credential. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url;
  }
}
