import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { resolveApiToken } from '../../http/security/api-token.js';

export const TOKEN_USAGE = 'ducklm token';

/** Prints the API token, creating the token file on first use, for `curl -H "Authorization: Bearer $(ducklm token)"`. */
export function token(args: string[]): void {
  parseArgs({ args, options: {}, strict: true });
  process.stdout.write(`${resolveApiToken(loadConfig())}\n`);
}
