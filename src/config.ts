import { homedir } from 'node:os';
import { join } from 'node:path';
import { ROLES, type Role } from './model/roles.js';
import { UserError } from './errors.js';

export interface Config {
  dbPath: string;
  dataDir: string;
  host: string;
  port: number;
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
