import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

export const MEMORY_SCOPES = ['global', 'workspace', 'conversation'] as const;
export type MemoryScope = (typeof MEMORY_SCOPES)[number];
export const MEMORY_TYPES = ['fact', 'preference', 'note'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

export interface Memory {
  id: string;
  text: string;
  memory_type: MemoryType;
  scope: MemoryScope;
  workspace: string | null;
  conversation_id: string | null;
  importance: number;
  metadata: Record<string, unknown>;
  source_task_id: string | null;
  created_at: string;
}

interface MemoryRow extends Omit<Memory, 'metadata'> {
  metadata: string;
}

const toMemory = (row: MemoryRow): Memory => ({ ...row, metadata: JSON.parse(row.metadata) as Record<string, unknown> });

export type NewMemory = Omit<Memory, 'id' | 'created_at'>;

/** Which memories a request may see: global ones, its workspace's, its conversation's. */
export interface MemoryView {
  workspace: string;
  conversationId?: string;
}

/** SQL condition for the memories a view sees; `t` is the table alias prefix, e.g. "m.". */
const visible = (t = '') => `(${t}scope = 'global' OR (${t}scope = 'workspace' AND ${t}workspace = @workspace)
  OR (${t}scope = 'conversation' AND ${t}conversation_id = @conversation_id))`;

export class MemoryRepo {
  constructor(private readonly db: Db) {}

  add(memory: NewMemory): Memory {
    const row = { ...memory, id: newId('mem'), created_at: nowIso(), metadata: JSON.stringify(memory.metadata) };
    this.db
      .prepare(
        `INSERT INTO memories (id, text, memory_type, scope, workspace, conversation_id, importance, metadata, source_task_id, created_at)
         VALUES (@id, @text, @memory_type, @scope, @workspace, @conversation_id, @importance, @metadata, @source_task_id, @created_at)`,
      )
      .run(row);
    return toMemory(row);
  }

  count(view: MemoryView): number {
    const row = this.db.prepare(`SELECT COUNT(*) AS n FROM memories WHERE ${visible()}`).get(params(view)) as { n: number };
    return row.n;
  }

  /** Visible memories, most important and newest first. */
  list(view: MemoryView, limit: number): Memory[] {
    return (
      this.db
        .prepare(`SELECT * FROM memories WHERE ${visible()} ORDER BY importance DESC, created_at DESC, rowid DESC LIMIT @limit`)
        .all({ ...params(view), limit }) as MemoryRow[]
    ).map(toMemory);
  }

  all(limit: number): Memory[] {
    return (this.db.prepare('SELECT * FROM memories ORDER BY importance DESC, created_at DESC, rowid DESC LIMIT ?').all(limit) as MemoryRow[]).map(toMemory);
  }

  /** Full-text matches (FTS5, BM25) among visible memories for an FTS query string. */
  search(view: MemoryView, ftsQuery: string, limit: number): Memory[] {
    return (
      this.db
        .prepare(
          `SELECT m.* FROM memories_fts f JOIN memories m ON m.rowid = f.rowid
           WHERE memories_fts MATCH @query AND ${visible('m.')}
           ORDER BY bm25(memories_fts) LIMIT @limit`,
        )
        .all({ ...params(view), query: ftsQuery, limit }) as MemoryRow[]
    ).map(toMemory);
  }
}

function params(view: MemoryView) {
  return { workspace: view.workspace, conversation_id: view.conversationId ?? null };
}
