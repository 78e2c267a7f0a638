import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { secureDataFolder } from '../../store/data-folder.js';

/** The file, inside the data folder, that keeps the generated token between starts. */
export const TOKEN_FILE_NAME = 'api-token';

/**
 * What a token may look like: RFC 6750's bearer charset, which is also safe in a cookie value, and
 * long enough that guessing is hopeless. Generated tokens are 43 characters of base64url.
 */
const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MIN_TOKEN_LENGTH = 16;

export function tokenFilePath(dataDir: string): string {
  return join(dataDir, TOKEN_FILE_NAME);
}

/** Throws a UserError saying what is wrong with `token`, naming where it came from. */
export function validateToken(token: string, source: string): string {
  if (token.length < MIN_TOKEN_LENGTH) throw new UserError(`${source} is too short: use at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -base64 32\`).`);
  if (!TOKEN_PATTERN.test(token)) throw new UserError(`${source} may contain only letters, digits and - . _ ~ + / (with = at the end).`);
  return token;
}

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The token kept in `<dataDir>/api-token`, created on first use. Creation is an exclusive create
 * (`wx`) with mode 0600 from the start, so two processes starting at once agree on one token and
 * the file is never readable by others, not even for a moment.
 */
export function readOrCreateTokenFile(dataDir: string): string {
  const path = tokenFilePath(dataDir);
  secureDataFolder(dataDir);
  const token = generateToken();
  try {
    writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    // An umask cannot add bits, but a mode given at creation is not applied on every platform.
    chmodSync(path, 0o600);
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readTokenFile(path);
}

function readTokenFile(path: string): string {
  // Another process may have created the file a moment ago and not written it yet.
  for (let attempt = 0; ; attempt++) {
    const stats = statSync(path);
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      throw new UserError(`${path} can be read by other users; run \`chmod 600 ${path}\`, or delete it to make a new token.`);
    }
    const token = readFileSync(path, 'utf8').trim();
    if (token) return validateToken(token, `The token in ${path}`);
    if (attempt >= 50) throw new UserError(`${path} is empty; delete it to make a new token.`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/** `DUCK_API_TOKEN` when set (already validated by loadConfig), else the token file's. */
export function resolveApiToken(config: { apiToken: string | null; dataDir: string }): string {
  return config.apiToken ?? readOrCreateTokenFile(config.dataDir);
}
