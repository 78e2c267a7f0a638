import { aboutTokens, subjectOfMemory, subjectOfPhrase } from '../memory/subject.js';
import { stemmedText } from '../memory/text.js';
import type { Statement } from 'better-sqlite3';
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
  updated_at: string;
  /** The memory that replaced this one; superseded memories are history, never recalled. */
  superseded_by: string | null;
  /** Who it is about, in words: "user", "colleague Anna" (see memory/subject.ts); null when nobody could be told. */
  subject: string | null;
}

interface MemoryRow extends Omit<Memory, 'metadata'> {
  metadata: string;
  stemmed?: string | null;
  about?: string | null;
}

/** A memory with its full-text rank: bm25, lower is better (FTS5's convention). */
export interface RankedMemory {
  memory: Memory;
  bm25: number;
}

const toMemory = ({ metadata, stemmed: _stemmed, about: _about, ...rest }: MemoryRow & { bm25?: number }): Memory => {
  const { bm25: _bm25, ...row } = rest;
  return { ...row, metadata: JSON.parse(metadata) as Record<string, unknown> };
};

export type NewMemory = Omit<Memory, 'id' | 'created_at' | 'updated_at' | 'superseded_by' | 'subject'> &
  Partial<Pick<Memory, 'id' | 'created_at' | 'updated_at' | 'superseded_by' | 'subject'>>;
/** A changed text keeps the subject: an update corrects what is said, not whom it is about. */
export type MemoryPatch = Partial<Pick<Memory, 'text' | 'importance' | 'memory_type' | 'metadata' | 'subject'>>;

/** The subject a memory is stored with: the one given in words, else the one its text says. */
function subjectColumns(text: string, given: string | null | undefined): { subject: string | null; about: string } {
  const named = given?.trim() ? subjectOfPhrase(given) : null;
  const subject = named && (named.self || named.own.length) ? named : subjectOfMemory(text);
  return { subject: subject.phrase || null, about: aboutTokens(subject) };
}

/** Which memories a request may see: global ones, its workspace's, its conversation's. */
export interface MemoryView {
  workspace: string;
  conversationId?: string;
}

/** Narrower listings: a view (or everything), one scope, one type, history included or not. */
export interface MemoryFilter {
  view?: MemoryView;
  scope?: MemoryScope;
  type?: MemoryType;
  includeSuperseded?: boolean;
}

export type HistoryAction = 'created' | 'updated' | 'merged' | 'superseded' | 'imported';

export interface MemoryHistoryEntry {
  memory_id: string;
  action: HistoryAction;
  /** The text before this change; for 'created'/'imported' the first text, for 'merged' the duplicate's. */
  text: string;
  /** The other memory involved: the one that superseded this one. */
  related_id: string | null;
  task_id: string | null;
  created_at: string;
}

/** SQL condition for the memories a view sees; `t` is the table alias prefix, e.g. "m.". */
const visible = (t = '') => `(${t}scope = 'global' OR (${t}scope = 'workspace' AND ${t}workspace = @workspace)
  OR (${t}scope = 'conversation' AND ${t}conversation_id = @conversation_id))`;

/** SQL condition and its named parameters for a filter; `t` is the table alias prefix. */
export function memoryWhere(filter: MemoryFilter, t = ''): { sql: string; params: Record<string, unknown> } {
  const parts = ['1'];
  const params: Record<string, unknown> = {};
  if (filter.view) {
    parts.push(visible(t));
    Object.assign(params, viewParams(filter.view));
  }
  if (!filter.includeSuperseded) parts.push(`${t}superseded_by IS NULL`);
  if (filter.scope) (parts.push(`${t}scope = @scope`), (params.scope = filter.scope));
  if (filter.type) (parts.push(`${t}memory_type = @type`), (params.type = filter.type));
  return { sql: parts.join(' AND '), params };
}

const ORDER = 'ORDER BY importance DESC, updated_at DESC, rowid DESC';

export class MemoryRepo {
  constructor(private readonly db: Db) {
    this.backfillStems();
    this.backfillSubjects();
  }

  add(memory: NewMemory, taskId: string | null = null, action: HistoryAction = 'created'): Memory {
    const now = nowIso();
    const row = {
      ...memory,
      id: memory.id ?? newId('mem'),
      created_at: memory.created_at ?? now,
      updated_at: memory.updated_at ?? memory.created_at ?? now,
      superseded_by: memory.superseded_by ?? null,
      metadata: JSON.stringify(memory.metadata),
      stemmed: stemmedText(memory.text),
      ...subjectColumns(memory.text, memory.subject),
    };
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO memories (id, text, stemmed, subject, about, memory_type, scope, workspace, conversation_id, importance, metadata, source_task_id, created_at, updated_at, superseded_by)
           VALUES (@id, @text, @stemmed, @subject, @about, @memory_type, @scope, @workspace, @conversation_id, @importance, @metadata, @source_task_id, @created_at, @updated_at, @superseded_by)`,
        )
        .run(row);
      this.record(row.id, action, row.text, null, taskId);
    })();
    return this.get(row.id)!;
  }

  get(id: string): Memory | undefined {
    const row = this.db.prepare('SELECT * FROM memories WHERE id = ?').get(id) as MemoryRow | undefined;
    return row && toMemory(row);
  }

  /** Changes a memory in place; its previous text goes to the history. */
  update(id: string, patch: MemoryPatch, taskId: string | null = null): Memory | undefined {
    const before = this.get(id);
    if (!before) return undefined;
    const next = { ...before, ...patch };
    // The subject stays unless one is given: the stored one may have come from the policy.
    const subject = patch.subject?.trim() ? subjectColumns(next.text, patch.subject) : null;
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE memories SET text = @text, stemmed = @stemmed, importance = @importance, memory_type = @memory_type, metadata = @metadata, updated_at = @updated_at,
             subject = COALESCE(@subject, subject), about = COALESCE(@about, about)
           WHERE id = @id`,
        )
        .run({
          id,
          text: next.text,
          stemmed: stemmedText(next.text),
          importance: next.importance,
          memory_type: next.memory_type,
          metadata: JSON.stringify(next.metadata),
          updated_at: nowIso(),
          subject: subject?.subject ?? null,
          about: subject?.about ?? null,
        });
      this.record(id, 'updated', before.text, null, taskId);
      // A vector of the old text would find the memory by what it no longer says; recall re-embeds it.
      if (next.text !== before.text) this.db.prepare('DELETE FROM memory_vectors WHERE memory_id = ?').run(id);
    })();
    return this.get(id);
  }

  /** A near-duplicate arrived: keep the memory, raise its importance, note the arrival. */
  merge(id: string, incomingText: string, importance: number, taskId: string | null = null): Memory | undefined {
    this.db.transaction(() => {
      this.db.prepare('UPDATE memories SET importance = MAX(importance, ?), updated_at = ? WHERE id = ?').run(importance, nowIso(), id);
      this.record(id, 'merged', incomingText, null, taskId);
    })();
    return this.get(id);
  }

  /** Marks `oldId` as replaced by `newId`: kept for history, no longer recalled or listed. */
  supersede(oldId: string, newId: string, taskId: string | null = null): boolean {
    return this.db.transaction(() => {
      const old = this.get(oldId);
      if (!old || old.superseded_by || oldId === newId) return false;
      this.db.prepare('UPDATE memories SET superseded_by = ?, updated_at = ? WHERE id = ?').run(newId, nowIso(), oldId);
      this.record(oldId, 'superseded', old.text, newId, taskId);
      return true;
    })();
  }

  /**
   * Deletes a memory and its history. Memories it had superseded stay superseded: deleting the
   * newer fact is not a request to bring back the older one.
   */
  delete(id: string): boolean {
    this.writes++;
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM memory_history WHERE memory_id = ?').run(id);
      return this.db.prepare('DELETE FROM memories WHERE id = ?').run(id).changes === 1;
    })();
  }

  /**
   * A conversation was deleted: the memories only it could see go with it (and their history).
   * Memories of wider scope learned there stay; the Memories view shows where each came from.
   */
  deleteConversationScoped(conversationId: string): number {
    const ids = this.db.prepare(`SELECT id FROM memories WHERE scope = 'conversation' AND conversation_id = ?`).all(conversationId) as { id: string }[];
    return ids.filter(({ id }) => this.delete(id)).length;
  }

  /** Whether a view sees any current (not superseded) memory: asked every turn, so it stops at the first. */
  hasAny(view: MemoryView): boolean {
    const w = memoryWhere({ view });
    return this.statement(`SELECT 1 FROM memories WHERE ${w.sql} LIMIT 1`).get(w.params) !== undefined;
  }

  /** Visible current memories, most important and newest first. */
  list(view: MemoryView, limit: number): Memory[] {
    return this.find({ view }, limit);
  }

  all(limit: number): Memory[] {
    return this.find({}, limit);
  }

  find(filter: MemoryFilter, limit: number): Memory[] {
    const w = memoryWhere(filter);
    return (this.statement(`SELECT * FROM memories WHERE ${w.sql} ${ORDER} LIMIT @limit`).all({ ...w.params, limit }) as MemoryRow[]).map(toMemory);
  }

  /** Memories whose stemmed text matches an FTS5 expression (see memory/text.ts), best BM25 first. */
  search(filter: MemoryFilter, match: string, limit: number): RankedMemory[] {
    return this.ranked('memories_fts', filter, match, limit);
  }

  /** BM25 of these memories (by id) for an FTS5 expression over the stemmed text; those that do not match are absent. */
  bm25Of(match: string, ids: string[]): Map<string, number> {
    if (!ids.length) return new Map();
    const rows = this.statement(
      `SELECT m.id AS id, bm25(memories_fts, 1.0, 0.0) AS bm25 FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid
       WHERE memories_fts MATCH @match AND m.id IN (SELECT value FROM json_each(@ids))`,
    ).all({ match, ids: JSON.stringify(ids) }) as { id: string; bm25: number }[];
    return new Map(rows.map((r) => [r.id, r.bm25]));
  }

  /** The same over the trigram index of the raw text: substrings, identifiers, other scripts. */
  searchTrigram(filter: MemoryFilter, match: string, limit: number): RankedMemory[] {
    return this.ranked('memories_tri', filter, match, limit);
  }

  /**
   * FTS5 ranks first, the filter (view, superseded) applies to its best rows: joining every match
   * before ranking costs 3x at 100k memories. When the filter leaves too few, all matches are ranked.
   * CROSS JOIN fixes the join order: left to itself SQLite walks every memory and probes the matches.
   */
  private ranked(table: 'memories_fts' | 'memories_tri', filter: MemoryFilter, match: string, limit: number): RankedMemory[] {
    const w = memoryWhere(filter, 'm.');
    // The about column only filters (see subject.ts); it never adds to a memory's rank.
    const rank = table === 'memories_fts' ? 'bm25(memories_fts, 1.0, 0.0)' : 'bm25(memories_tri)';
    const sql = `WITH top AS (SELECT rowid AS rid, ${rank} AS bm25 FROM ${table} WHERE ${table} MATCH @match ORDER BY bm25 LIMIT @depth)
      SELECT m.*, top.bm25 AS bm25 FROM top CROSS JOIN memories m ON m.rowid = top.rid WHERE ${w.sql} ORDER BY top.bm25 LIMIT @limit`;
    const run = (depth: number) => this.statement(sql).all({ ...w.params, match, limit, depth }) as (MemoryRow & { bm25: number })[];
    let rows = run(limit * 4);
    if (rows.length < limit) rows = run(-1);
    return rows.map((row) => ({ memory: toMemory(row), bm25: row.bm25 }));
  }

  private readonly statements = new Map<string, Statement>();

  /** SQL built from a filter varies with it; each variant is prepared once. */
  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /**
   * How many memories contain each stem (all of them, any scope). Used to drop stems so common
   * here that they rank nothing and only slow the search, like "user" in a memory of the user.
   */
  documentFrequency(stems: string[]): { total: number; df: Map<string, number> } {
    const total = (this.db.prepare('SELECT COUNT(*) AS n FROM memories').get() as { n: number }).n;
    const lookup = this.db.prepare("SELECT doc FROM memories_fts_vocab WHERE term = ? AND col = 'stemmed'");
    const df = new Map(stems.map((s) => [s, (lookup.get(s) as { doc: number } | undefined)?.doc ?? 0]));
    return { total, df };
  }

  /** Changes made through this repo; with SQLite's data_version (other connections) it dates what a cache holds. */
  private writes = 0;

  /**
   * Changes whenever a memory or a vector of `model` may have changed: a write through this repo,
   * a commit by another connection, a vector stored.
   */
  vectorGeneration(model: string): string {
    const dataVersion = this.db.pragma('data_version', { simple: true }) as number;
    const newest = this.statement('SELECT MAX(rowid) AS id FROM memory_vectors WHERE model = ?').get(model) as { id: number | null };
    return `${this.writes}:${dataVersion}:${newest.id ?? 0}`;
  }

  /**
   * The visible memories with a vector of `model`: each vector's row id changes whenever it is
   * replaced, so a cache of vectors knows which ones to read again (memory/vector-index.ts).
   */
  vectorVersions(filter: MemoryFilter, model: string): { id: string; version: number; subject: string | null }[] {
    const w = memoryWhere(filter, 'm.');
    return this.statement(`SELECT m.id, v.rowid AS version, m.subject FROM memory_vectors v JOIN memories m ON m.id = v.memory_id WHERE v.model = @model AND ${w.sql}`).all({
      ...w.params,
      model,
    }) as { id: string; version: number; subject: string | null }[];
  }

  /** The stored vectors of these memories. */
  vectors(model: string, ids: string[]): { id: string; version: number; vector: Buffer }[] {
    const out: { id: string; version: number; vector: Buffer }[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT memory_id AS id, rowid AS version, vector FROM memory_vectors WHERE model = ? AND memory_id IN (${chunk.map(() => '?').join(',')})`)
        .all(model, ...chunk) as { id: string; version: number; vector: Buffer }[];
      out.push(...rows);
    }
    return out;
  }

  /** Memories this one replaced, directly. */
  predecessors(id: string): Memory[] {
    return (this.db.prepare('SELECT * FROM memories WHERE superseded_by = ? ORDER BY created_at, rowid').all(id) as MemoryRow[]).map(toMemory);
  }

  history(id: string): MemoryHistoryEntry[] {
    return this.db.prepare('SELECT memory_id, action, text, related_id, task_id, created_at FROM memory_history WHERE memory_id = ? ORDER BY id').all(id) as MemoryHistoryEntry[];
  }

  private record(memoryId: string, action: HistoryAction, text: string, relatedId: string | null, taskId: string | null): void {
    this.writes++;
    this.db
      .prepare('INSERT INTO memory_history (memory_id, action, text, related_id, task_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(memoryId, action, text, relatedId, taskId, nowIso());
  }

  /** Memories written before stemming existed (migration 3) get their stemmed text once. */
  private backfillStems(): void {
    const rows = this.db.prepare('SELECT rowid AS rowid, text FROM memories WHERE stemmed IS NULL').all() as { rowid: number; text: string }[];
    if (!rows.length) return;
    const update = this.db.prepare('UPDATE memories SET stemmed = ? WHERE rowid = ?');
    this.db.transaction(() => rows.forEach((r) => update.run(stemmedText(r.text), r.rowid)))();
  }

  /** Memories stored before subjects existed (migration 7) get theirs from their text, once. */
  private backfillSubjects(): void {
    const rows = this.db.prepare('SELECT rowid AS rowid, text, subject FROM memories WHERE about IS NULL').all() as { rowid: number; text: string; subject: string | null }[];
    if (!rows.length) return;
    const update = this.db.prepare('UPDATE memories SET subject = @subject, about = @about WHERE rowid = @rowid');
    this.db.transaction(() => rows.forEach((r) => update.run({ rowid: r.rowid, ...subjectColumns(r.text, r.subject) })))();
  }
}

function viewParams(view: MemoryView) {
  return { workspace: view.workspace, conversation_id: view.conversationId ?? null };
}
