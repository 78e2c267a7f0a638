import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './cli-error.js';
import { connect, type Connection } from './client/connect.js';
import { styleFor } from './terminal.js';

/** The options every command that talks to a server takes. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
} as const;

export interface ConnectionValues {
  url?: string;
  token?: string;
}

/** Connects (or starts a server in this process), runs `body`, and always lets go of the connection. */
export async function withConnection<T>(values: ConnectionValues, body: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await connectFromArgs(values);
  try {
    return await body(connection);
  } finally {
    await connection.close();
  }
}

export function connectFromArgs(values: ConnectionValues): Promise<Connection> {
  const style = styleFor(process.stderr);
  return connect({ url: values.url, token: values.token, env: process.env, notice: (line) => process.stderr.write(`${style.dim(line)}\n`) });
}

/**
 * The workspace as an absolute path: the server has its own working folder, so a relative one
 * must be resolved here. Defaults to the current folder.
 */
export function workspaceArg(value: string | undefined): string {
  const path = resolve(value ?? process.cwd());
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // Reported below.
  }
  if (!isDirectory) throw new CliError(`The workspace ${path} is not a folder.`);
  return path;
}

export function reasoningArg(value: string | undefined): 'on' | 'off' | undefined {
  if (value === undefined || value === 'on' || value === 'off') return value;
  throw new CliError(`--reasoning takes on or off, not "${value}".`);
}

export function positiveIntArg(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} takes a whole number of at least 1, not "${value}".`);
  return n;
}

/** Prints JSON for scripts (`--json`), often read on a terminal too: inert, and still the same JSON. */
export function printJson(value: unknown): void {
  process.stdout.write(`${inertJson(value)}\n`);
}

/**
 * JSON.stringify escapes C0 controls in strings but leaves DEL, C1 (0x9b is a CSI) and bidi
 * overrides raw; outside strings JSON has none of them, so `\uXXXX` keeps the value the same.
 */
export function inertJson(value: unknown): string {
  return (JSON.stringify(value, null, 2) ?? 'null').replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
