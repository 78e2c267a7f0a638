/**
 * `<data folder>/ducklm.config.json`: per-role models, sampling defaults and servers, for what
 * environment variables say badly. Read once at startup; the environment wins over it (see
 * `loadConfig`). Kept apart from config.ts so that `loadConfig` itself stays free of I/O.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { dataDir, loadConfig, type Config } from '../config.js';
import { UserError } from '../errors.js';
import { ROLES, type Role } from './roles.js';
import { SERVER_SETTINGS } from './server-dialect.js';

export const MODEL_CONFIG_FILE = 'ducklm.config.json';

const baseUrlSchema = z
  .string()
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http:// or https:// URL, e.g. http://127.0.0.1:8080/v1')
  .transform((value) => value.replace(/\/+$/, ''));

const roleSchema = z.strictObject({
  model: z.string().min(1).optional(),
  baseUrl: baseUrlSchema.optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
});

// Strict objects, so that a misspelt key ("temprature", "planner") is an error and not a silent no-op.
const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  server: z.enum(SERVER_SETTINGS).optional(),
  baseUrl: baseUrlSchema.optional(),
  model: z.string().min(1).optional(),
  /** A GGUF file run in-process instead of a server (what DUCK_MODEL_PATH says). */
  modelPath: z.string().min(1).optional(),
  /** Checked server by server in src/mcp/mcp-config.ts: one bad entry must not stop ducklm. */
  mcpServers: z.unknown().optional(),
  roles: z.strictObject(Object.fromEntries(ROLES.map((role) => [role, roleSchema.optional()])) as Record<Role, z.ZodOptional<typeof roleSchema>>).optional(),
});

export type ModelConfigFile = z.infer<typeof fileSchema>;
export type RoleFileSettings = z.infer<typeof roleSchema>;

/** The parsed file, or null when there is none. A file that is there but wrong stops startup. */
export function readModelConfigFile(dir: string): ModelConfigFile | null {
  const path = join(dir, MODEL_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  return parseModelConfigFile(text, path);
}

export function parseModelConfigFile(text: string, path: string): ModelConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const result = fileSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : 'top level';
  throw new UserError(`${path}: ${field}: ${issue.message}. See "Config file" in the README.`);
}

/** `loadConfig` with the data folder's config file: what `ducklm serve` and `createApp` should use. */
export function loadConfigWithFile(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(env, readModelConfigFile(dataDir(env)));
}
