/**
 * `mcpServers` in ducklm.config.json, in the shape Claude Desktop and Cursor use: `{command, args,
 * env}` starts a server over stdio, `{url, headers}` reaches one over streamable HTTP. ducklm's own
 * extras: `timeoutMs` (per call), `startupTimeoutMs`, `disabled`. Each entry is checked on its own,
 * so one bad entry is an error for that server, never for ducklm.
 */
import { z } from 'zod';

export const DEFAULT_CALL_TIMEOUT_MS = 60_000;
export const DEFAULT_STARTUP_TIMEOUT_MS = 20_000;

const extras = {
  /** How long one tool call may take before it fails (and is cancelled on the server). */
  timeoutMs: z.number().int().positive().default(DEFAULT_CALL_TIMEOUT_MS),
  /** How long starting the server and listing its tools may take. */
  startupTimeoutMs: z.number().int().positive().default(DEFAULT_STARTUP_TIMEOUT_MS),
  /** Kept in the file but not started, and its tools not offered. */
  disabled: z.boolean().default(false),
};

// Strict, as the rest of the file: a misspelt key is an error for that server, not a silent no-op.
const stdioSchema = z.strictObject({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().min(1).optional(),
  ...extras,
});

const httpSchema = z.strictObject({
  type: z.enum(['http', 'streamable-http', 'streamableHttp']).optional(),
  url: z.string().refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http:// or https:// URL'),
  headers: z.record(z.string(), z.string()).default({}),
  ...extras,
});

export type McpTransportKind = 'stdio' | 'http';

interface Common {
  name: string;
  timeoutMs: number;
  startupTimeoutMs: number;
  disabled: boolean;
}

export type McpServerConfig =
  | (Common & { transport: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string })
  | (Common & { transport: 'http'; url: string; headers: Record<string, string> });

/** An entry that could not be read: reported for its server (health, Settings, the log, the task). */
export interface McpConfigProblem {
  name: string;
  transport: McpTransportKind;
  message: string;
}

export interface McpServersConfig {
  servers: McpServerConfig[];
  problems: McpConfigProblem[];
}

/** Reads `mcpServers` as it came from the file (anything, or undefined when absent). */
export function parseMcpServers(raw: unknown): McpServersConfig {
  const out: McpServersConfig = { servers: [], problems: [] };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    out.problems.push({ name: 'mcpServers', transport: 'stdio', message: 'mcpServers must be an object of servers by name, e.g. {"files": {"command": "…"}}.' });
    return out;
  }
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    const transport: McpTransportKind = isObject(entry) && 'url' in entry ? 'http' : 'stdio';
    if (!name.trim()) {
      out.problems.push({ name, transport, message: 'A server needs a non-empty name.' });
      continue;
    }
    if (!isObject(entry) || (!('url' in entry) && !('command' in entry))) {
      out.problems.push({ name, transport, message: `mcpServers.${name}: give "command" (a server started over stdio) or "url" (a streamable HTTP server).` });
      continue;
    }
    const parsed = transport === 'http' ? httpSchema.safeParse(entry) : stdioSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = ['mcpServers', name, ...issue.path.map(String)].join('.');
      out.problems.push({ name, transport, message: `${field}: ${issue.message}` });
      continue;
    }
    const { timeoutMs, startupTimeoutMs, disabled } = parsed.data;
    const common = { name, timeoutMs, startupTimeoutMs, disabled };
    if ('url' in parsed.data) out.servers.push({ ...common, transport: 'http', url: parsed.data.url, headers: parsed.data.headers });
    else {
      const { command, args, env, cwd } = parsed.data;
      out.servers.push({ ...common, transport: 'stdio', command, args, env, ...(cwd ? { cwd } : {}) });
    }
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
