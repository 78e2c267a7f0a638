import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RoleDefaults } from './model/chat-request.js';
import type { ModelConfigFile } from './model/model-config-file.js';
import { DEFAULT_MODEL_IDLE_TIMEOUT_MS } from './model/idle-timeout.js';
import { ROLES, type Role } from './model/roles.js';
import { SERVER_SETTINGS, type ServerSetting } from './model/server-dialect.js';
import { USUAL_SERVER_URLS } from './model/server-discovery.js';
import { UserError } from './errors.js';
import { tokenFilePath, validateToken } from './http/security/api-token.js';
import { DATABASE_SIDE_FILES } from './store/data-folder.js';
import { parseMcpServers, type McpServersConfig } from './mcp/mcp-config.js';

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
  model: ModelConfig;
  runtime: RuntimeLimits;
  /** `mcpServers` of the config file: servers whose tools ducklm offers, and entries it could not read. */
  mcp: McpServersConfig;
}

export interface ModelConfig {
  /** The server every role uses unless `roles` gives it its own. */
  baseUrl: string | null;
  apiKey: string | undefined;
  models: Record<Role, string>;
  /** Whose quirks to expect: `DUCK_MODEL_SERVER`, else the config file's `server`, else `auto`. */
  server: ServerSetting;
  /** From the config file: a role's own server (only when it differs), default temperature and max tokens. */
  roles: Partial<Record<Role, RoleModelSettings>>;
  /**
   * DUCK_MODEL_EMBED: an embedding model on the server, used as named; `off`: never embed; unset
   * or `auto`: use one the server says it has, or the embedded engine's model (with DUCK_MODEL_PATH,
   * a name is not used: the GGUF model embeds). With embeddings, recall blends semantic and lexical scores.
   */
  embeddingModel: string;
  /** DUCK_MODEL_PATH: a GGUF file run in-process (src/model/embedded/); when set it serves every role and no server is used. */
  modelPath: string | null;
  /** Embedded engine sizing: DUCK_MODEL_CONTEXT (tokens per request), DUCK_MODEL_PARALLEL (concurrent requests), DUCK_MODEL_GPU=off, DUCK_MODEL_THREADS (CPU threads). */
  embedded: { contextSize: number; sequences: number; gpu: 'auto' | false; threads?: number };
  /** DUCK_MODEL_IDLE_TIMEOUT_MS: a streamed reply that starts or goes on sending nothing for this long is stopped, and its task fails. */
  idleTimeoutMs: number;
  /** Where the choice of server and models came from: the Settings view says what the environment fixes. */
  sources: ModelSources;
  /** Where to look for local servers besides the configured one: DUCK_DISCOVER (comma-separated URLs, or `off`); default the usual ports. */
  discover: string[];
}

/** `env` wins over `file` (ducklm.config.json, which Settings writes); `default`: nobody said, ducklm may choose. */
export type SettingSource = 'env' | 'file' | 'default';

export interface ModelSources {
  baseUrl: SettingSource;
  modelPath: SettingSource;
  models: Record<Role, SettingSource>;
}

export interface RoleModelSettings extends RoleDefaults {
  baseUrl?: string;
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

/**
 * ducklm's own data, which no tool may read unasked, even inside the workspace: the data folder,
 * the token file, and the database with its side files (which may live elsewhere).
 */
export function protectedDataPaths(config: Pick<Config, 'dataDir' | 'dbPath'>): string[] {
  const database = config.dbPath === ':memory:' ? [] : ['', ...DATABASE_SIDE_FILES].map((suffix) => `${config.dbPath}${suffix}`);
  return [config.dataDir, tokenFilePath(config.dataDir), ...database];
}

export function dataDir(env: NodeJS.ProcessEnv): string {
  return env.DUCK_DATA_DIR ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'ducklm');
}

/**
 * The configuration from the environment and, when given, the parsed config file
 * (`readModelConfigFile`, or `loadConfigWithFile` for both). Does no I/O.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, file: ModelConfigFile | null = null): Config {
  const dir = dataDir(env);
  return {
    dbPath: env.DUCK_DB_PATH ?? join(dir, 'duck.sqlite3'),
    dataDir: dir,
    host: env.DUCK_HOST ?? '127.0.0.1',
    port: parsePort(env.DUCK_PORT ?? '8765'),
    // An empty value counts as unset: an empty token must never mean "no token".
    apiToken: env.DUCK_API_TOKEN ? validateToken(env.DUCK_API_TOKEN, 'DUCK_API_TOKEN') : null,
    allowRemote: false,
    reflection: env.DUCK_ENABLE_REFLECTION === '1',
    model: modelConfig(env, file),
    runtime: { ...DEFAULT_LIMITS },
    mcp: parseMcpServers(file?.mcpServers),
  };
}

/**
 * Environment first, then the file; within each, the role's own setting before the general one:
 * DUCK_MODEL_<ROLE>, DUCK_MODEL, roles.<role>.model, model. DUCK_MODEL_BASE_URL likewise sends
 * every role to that server, whatever the file's `roles.<role>.baseUrl` says.
 */
function modelConfig(env: NodeJS.ProcessEnv, file: ModelConfigFile | null): ModelConfig {
  const envBaseUrl = env.DUCK_MODEL_BASE_URL?.replace(/\/+$/, '') || null;
  const baseUrl = envBaseUrl ?? file?.baseUrl ?? null;
  const models = {} as Record<Role, string>;
  const modelSources = {} as Record<Role, SettingSource>;
  const roles: Partial<Record<Role, RoleModelSettings>> = {};
  for (const role of ROLES) {
    const own = file?.roles?.[role];
    const fromEnv = env[`DUCK_MODEL_${role.toUpperCase()}`] || env.DUCK_MODEL;
    const fromFile = own?.model || file?.model;
    models[role] = fromEnv || fromFile || DEFAULT_MODEL_NAME;
    modelSources[role] = fromEnv ? 'env' : fromFile ? 'file' : 'default';
    const settings: RoleModelSettings = {};
    if (!envBaseUrl && own?.baseUrl && own.baseUrl !== baseUrl) settings.baseUrl = own.baseUrl;
    if (own?.temperature !== undefined) settings.temperature = own.temperature;
    if (own?.maxTokens !== undefined) settings.maxTokens = own.maxTokens;
    if (Object.keys(settings).length) roles[role] = settings;
  }
  return {
    baseUrl,
    apiKey: env.DUCK_MODEL_API_KEY || undefined,
    models,
    server: serverSetting(env.DUCK_MODEL_SERVER) ?? file?.server ?? 'auto',
    roles,
    embeddingModel: embeddingSetting(env.DUCK_MODEL_EMBED),
    // A server named in the environment wins over a GGUF file chosen in the config file.
    modelPath: env.DUCK_MODEL_PATH || (envBaseUrl ? null : file?.modelPath) || null,
    embedded: {
      contextSize: positiveInt('DUCK_MODEL_CONTEXT', env.DUCK_MODEL_CONTEXT, 4096),
      sequences: positiveInt('DUCK_MODEL_PARALLEL', env.DUCK_MODEL_PARALLEL, 4),
      gpu: env.DUCK_MODEL_GPU === 'off' ? false : 'auto',
      ...(env.DUCK_MODEL_THREADS ? { threads: positiveInt('DUCK_MODEL_THREADS', env.DUCK_MODEL_THREADS, 1) } : {}),
    },
    idleTimeoutMs: positiveInt('DUCK_MODEL_IDLE_TIMEOUT_MS', env.DUCK_MODEL_IDLE_TIMEOUT_MS, DEFAULT_MODEL_IDLE_TIMEOUT_MS),
    discover: discoverSetting(env.DUCK_DISCOVER),
    sources: {
      baseUrl: envBaseUrl ? 'env' : file?.baseUrl ? 'file' : 'default',
      modelPath: env.DUCK_MODEL_PATH ? 'env' : file?.modelPath && !envBaseUrl ? 'file' : 'default',
      models: modelSources,
    },
  };
}

/** The model name sent when nobody chose one; a server with one model (llama-server) ignores it. */
export const DEFAULT_MODEL_NAME = 'local-main';

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`Invalid ${name} "${value}": use a whole number of at least 1.`);
  return n;
}

function discoverSetting(value: string | undefined): string[] {
  const trimmed = value?.trim();
  if (!trimmed) return [...USUAL_SERVER_URLS];
  if (trimmed.toLowerCase() === 'off') return [];
  const urls = trimmed.split(',').map((u) => u.trim().replace(/\/+$/, '')).filter(Boolean);
  const bad = urls.find((u) => !/^https?:\/\//.test(u) || !URL.canParse(u));
  if (bad) throw new UserError(`Invalid DUCK_DISCOVER "${bad}": use http:// URLs separated by commas, or off.`);
  return urls;
}

/** `auto` and `off` in any case; anything else is a model name, kept as written. */
function embeddingSetting(value: string | undefined): string {
  const trimmed = value?.trim();
  if (!trimmed) return 'auto';
  const lower = trimmed.toLowerCase();
  return lower === 'auto' || lower === 'off' ? lower : trimmed;
}

function serverSetting(value: string | undefined): ServerSetting | undefined {
  if (!value) return undefined;
  const setting = SERVER_SETTINGS.find((s) => s === value.trim().toLowerCase());
  if (!setting) throw new UserError(`Invalid DUCK_MODEL_SERVER "${value}": use one of ${SERVER_SETTINGS.join(', ')}.`);
  return setting;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UserError(`Invalid port "${value}": use a number from 0 to 65535.`);
  return port;
}
