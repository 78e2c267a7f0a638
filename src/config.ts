import { homedir } from 'node:os';
import { join } from 'node:path';
import { ROLES, type Role } from './model/roles.js';
import { UserError } from './errors.js';
import { validateToken } from './http/security/api-token.js';

export interface Config {
  dbPath: string;
  dataDir: string;
  host: string;
  port: number;
  /**
   * The bearer token every request needs: `DUCK_API_TOKEN`, or null to use (and on first start
   * create) `<dataDir>/api-token`. Resolved by `resolveApiToken`, so that loadConfig does no I/O.
   */
  apiToken: string | null;
  /** Whether a non-loopback host may be listened on; only the `--allow-remote` flag sets it. */
  allowRemote: boolean;
  reflection: boolean;
  model: {
    baseUrl: string | null;
    apiKey: string | undefined;
    models: Record<Role, string>;
  };
  runtime: RuntimeLimits;
}

export interface RuntimeLimits {
  maxActionSteps: number;
  commandTimeoutMs: number;
  maxOutputBytes: number;
  /** Characters of a tool's output kept in the observation the model sees. */
  maxObservationChars: number;
  /** Characters of a tool's output shown in a `tool_call_finished` event. */
  maxEventOutputChars: number;
  historyMessages: number;
}

export const DEFAULT_LIMITS: RuntimeLimits = {
  maxActionSteps: 6,
  commandTimeoutMs: 60_000,
  maxOutputBytes: 256 * 1024,
  maxObservationChars: 16_000,
  maxEventOutputChars: 8_000,
  historyMessages: 12,
};

export function dataDir(env: NodeJS.ProcessEnv): string {
  return env.DUCK_DATA_DIR ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'ducklm');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dir = dataDir(env);
  const defaultModel = env.DUCK_MODEL ?? 'local-main';
  const models = Object.fromEntries(
    ROLES.map((role) => [role, env[`DUCK_MODEL_${role.toUpperCase()}`] ?? defaultModel]),
  ) as Record<Role, string>;
  return {
    dbPath: env.DUCK_DB_PATH ?? join(dir, 'duck.sqlite3'),
    dataDir: dir,
    host: env.DUCK_HOST ?? '127.0.0.1',
    port: parsePort(env.DUCK_PORT ?? '8765'),
    // An empty value counts as unset: an empty token must never mean "no token".
    apiToken: env.DUCK_API_TOKEN ? validateToken(env.DUCK_API_TOKEN, 'DUCK_API_TOKEN') : null,
    allowRemote: false,
    reflection: env.DUCK_ENABLE_REFLECTION === '1',
    model: { baseUrl: env.DUCK_MODEL_BASE_URL?.replace(/\/+$/, '') || null, apiKey: env.DUCK_MODEL_API_KEY, models },
    runtime: { ...DEFAULT_LIMITS },
  };
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UserError(`Invalid port "${value}": use a number from 0 to 65535.`);
  return port;
}
