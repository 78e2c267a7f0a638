import { parseArgs } from 'node:util';
import type { Memory } from '../../store/memory-repo.js';
import { MEMORY_SCOPES, MEMORY_TYPES } from '../../store/memory-repo.js';
import { CliError } from '../cli-error.js';
import type { ApiClient } from '../client/api-client.js';
import { CONNECTION_OPTIONS, positiveIntArg, printJson, withConnection, workspaceArg } from '../options.js';
import { formatTable } from '../table.js';
import { styleFor } from '../terminal.js';
import { inert } from '../inert.js';

export const MEMORY_USAGE = `ducklm memory list [--workspace DIR] [--scope S] [--type T] [--limit N] [--json]
  ducklm memory search "query" [--workspace DIR] [--limit N] [--json]
  ducklm memory add "text" [--type fact|preference|note] [--scope global|workspace] [--workspace DIR]
  ducklm memory edit ID "new text"
  ducklm memory rm ID [ID...]`;

type ListedMemory = Memory & { score?: number };

export const MEMORY_OPTIONS = {
  ...CONNECTION_OPTIONS,
  workspace: { type: 'string', short: 'w' },
  scope: { type: 'string' },
  type: { type: 'string' },
  importance: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** What ducklm remembers, for the person to see, add to, correct and forget. */
export async function memory(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, options: MEMORY_OPTIONS, allowPositionals: true, strict: true });
  const scope = oneOf('scope', values.scope, MEMORY_SCOPES);
  const type = oneOf('type', values.type, MEMORY_TYPES);
  const limit = positiveIntArg('limit', values.limit, 100);
  const workspace = values.workspace === undefined ? undefined : workspaceArg(values.workspace);

  switch (sub) {
    case 'list':
    case 'ls':
      expectArgs(positionals, 0, 'ducklm memory list');
      return withConnection(values, async ({ api }) => {
        const { results } = await api.get<{ results: ListedMemory[] }>('/v1/memory', { workspace, scope, type, limit });
        return show(results, values.json, 'No memories yet.');
      });
    case 'search':
    case 'find': {
      const query = positionals.join(' ').trim();
      if (!query) throw new CliError('What should be searched for? ducklm memory search "query"');
      return withConnection(values, async ({ api }) => {
        const { results } = await api.get<{ results: ListedMemory[] }>('/v1/memory', { q: query, workspace, scope, type, limit });
        return show(results, values.json, `No memory matches "${inert(query)}".`);
      });
    }
    case 'add': {
      const text = positionals.join(' ').trim();
      if (!text) throw new CliError('What should be remembered? ducklm memory add "text"');
      const importance = values.importance === undefined ? undefined : Number(values.importance);
      if (importance !== undefined && !(importance >= 0 && importance <= 1)) throw new CliError('--importance takes a number from 0 to 1.');
      if (scope === 'conversation') throw new CliError('A conversation memory is made by the conversation itself; use --scope global or workspace.');
      // A workspace memory belongs to the named workspace, else to the current folder.
      const where = scope === 'workspace' ? (workspace ?? workspaceArg(undefined)) : workspace;
      return withConnection(values, async ({ api }) => {
        const { created, value: saved } = await api.create<Memory>('/v1/memory', { text, scope: scope ?? 'global', memory_type: type ?? 'note', ...(where ? { workspace: where } : {}), ...(importance !== undefined ? { importance } : {}) });
        if (values.json) printJson(saved);
        else if (created) console.log(`Remembered ${inert(saved.id)} (${inert(saved.memory_type)}, ${inert(describeScope(saved))}).`);
        else console.log(`Already known as ${inert(saved.id)}: "${inert(saved.text)}"; reinforced it.`);
        return 0;
      });
    }
    case 'edit': {
      const [id, ...words] = positionals;
      const text = words.join(' ').trim();
      if (!id || (!text && !type && values.importance === undefined)) throw new CliError('ducklm memory edit ID "new text" [--type T] [--importance N]');
      return withConnection(values, async ({ api }) => {
        const patch = { ...(text ? { text } : {}), ...(type ? { memory_type: type } : {}), ...(values.importance !== undefined ? { importance: Number(values.importance) } : {}) };
        const saved = await api.patch<Memory>(`/v1/memory/${encodeURIComponent(id)}`, patch);
        if (values.json) printJson(saved);
        else console.log(`Updated ${inert(saved.id)}: ${inert(saved.text)}`);
        return 0;
      });
    }
    case 'rm':
    case 'remove':
    case 'forget':
      if (!positionals.length) throw new CliError('Which memory? ducklm memory rm ID (ids from `ducklm memory list`)');
      return withConnection(values, async ({ api }) => forget(api, positionals));
    default:
      throw new CliError(`${sub ? `Unknown memory command "${sub}".` : 'ducklm memory needs a command.'} Usage:\n  ${MEMORY_USAGE}`);
  }
}

async function forget(api: ApiClient, ids: string[]): Promise<number> {
  for (const id of ids) {
    await api.delete(`/v1/memory/${encodeURIComponent(id)}`);
    console.log(`Forgot ${inert(id)}.`);
  }
  return 0;
}

function show(memories: ListedMemory[], json: boolean | undefined, empty: string): number {
  if (json) {
    printJson(memories);
    return 0;
  }
  if (!memories.length) {
    console.log(empty);
    return 0;
  }
  const rows = memories.map((m) => [m.id, m.memory_type, describeScope(m), m.subject ?? '', m.text]);
  console.log(formatTable(['ID', 'TYPE', 'SCOPE', 'ABOUT', 'TEXT'], rows, styleFor(process.stdout), process.stdout.isTTY ? process.stdout.columns : undefined));
  return 0;
}

function describeScope(memory: Memory): string {
  if (memory.scope === 'workspace' && memory.workspace) return `workspace ${memory.workspace}`;
  if (memory.scope === 'conversation') return 'conversation';
  return memory.scope;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`--${name} takes one of ${allowed.join(', ')}, not "${value}".`);
}

function expectArgs(positionals: string[], count: number, usage: string): void {
  if (positionals.length > count) throw new CliError(`Unexpected argument "${positionals[count]}". Usage: ${usage}`);
}
