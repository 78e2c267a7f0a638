import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

/** One applied file write or edit, as listed: everything but the bytes it replaced. */
export interface FileChangeRow {
  id: string;
  task_id: string;
  call_id: string;
  workspace: string;
  path: string;
  tool: string;
  /** The change made the file (an undo removes it). */
  created: boolean;
  after_sha256: string;
  diff: string;
  created_at: string;
  undone_at: string | null;
}

/** A change with the bytes it replaced, for an undo. */
export interface FileChangeWithBefore extends FileChangeRow {
  before: Buffer | null;
}

export interface NewFileChange {
  task_id: string;
  call_id: string;
  tool: string;
  workspace: string;
  path: string;
  before: Buffer | null;
  after_sha256: string;
  diff: string;
}

/** The listed columns, of table alias `t` when given. */
const summary = (t = '') => `${t}id, ${t}task_id, ${t}call_id, ${t}workspace, ${t}path, ${t}tool, ${t}before_bytes IS NULL AS created, ${t}after_sha256, ${t}diff, ${t}created_at, ${t}undone_at`;
const SUMMARY = summary();

type Row = Omit<FileChangeRow, 'created'> & { created: number };
const toChange = ({ created, ...rest }: Row): FileChangeRow => ({ ...rest, created: created === 1 });

export class FileChangesRepo {
  constructor(private readonly db: Db) {}

  add(change: NewFileChange): string {
    const id = newId('chg');
    this.db
      .prepare('INSERT INTO file_changes (id, task_id, call_id, workspace, path, tool, before_bytes, after_sha256, diff, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, change.task_id, change.call_id, change.workspace, change.path, change.tool, change.before, change.after_sha256, change.diff, nowIso());
    return id;
  }

  get(id: string): FileChangeWithBefore | undefined {
    const row = this.db.prepare(`SELECT ${SUMMARY}, before_bytes FROM file_changes WHERE id = ?`).get(id) as (Row & { before_bytes: Buffer | null }) | undefined;
    if (!row) return undefined;
    const { before_bytes, ...rest } = row;
    return { ...toChange(rest), before: before_bytes };
  }

  /** A task's changes, newest first. */
  ofTask(taskId: string): FileChangeRow[] {
    return (this.db.prepare(`SELECT ${SUMMARY} FROM file_changes WHERE task_id = ? ORDER BY created_at DESC, rowid DESC`).all(taskId) as Row[]).map(toChange);
  }

  /** The changes of a conversation's tasks, newest first. */
  ofConversation(conversationId: string): FileChangeRow[] {
    return (
      this.db
        .prepare(`SELECT ${summary('c.')} FROM file_changes c JOIN tasks t ON t.id = c.task_id WHERE t.conversation_id = ? ORDER BY c.created_at DESC, c.rowid DESC`)
        .all(conversationId) as Row[]
    ).map(toChange);
  }

  /** Marks a change undone; false when it already was. */
  markUndone(id: string): string | null {
    const at = nowIso();
    return this.db.prepare('UPDATE file_changes SET undone_at = ? WHERE id = ? AND undone_at IS NULL').run(at, id).changes === 1 ? at : null;
  }
}
