import { stemmedText } from '../memory/text.js';
import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

export interface Lesson {
  id: string;
  task_id: string | null;
  lesson: string;
  /** The message of the task the lesson came from: what a new task is compared with. */
  task_message: string;
  workspace: string | null;
  created_at: string;
  /** How many times reflection arrived at this lesson (1: once). */
  confirmations: number;
  /** When it was last arrived at again; null until then. */
  confirmed_at: string | null;
}

export interface NewLesson {
  taskId: string;
  lesson: string;
  taskMessage: string;
  workspace: string | null;
}

const COLUMNS = 'id, task_id, lesson, task_message, workspace, created_at, confirmations, confirmed_at';

export class ExperienceRepo {
  constructor(private readonly db: Db) {
    this.backfillStems();
  }

  add(lesson: NewLesson): Lesson {
    const row = { id: newId('exp'), task_id: lesson.taskId, lesson: lesson.lesson, task_message: lesson.taskMessage, workspace: lesson.workspace, created_at: nowIso() };
    this.db
      .prepare(
        `INSERT INTO experience (id, task_id, lesson, task_message, workspace, stemmed, created_at)
         VALUES (@id, @task_id, @lesson, @task_message, @workspace, @stemmed, @created_at)`,
      )
      .run({ ...row, stemmed: indexed(row) });
    return { ...row, confirmations: 1, confirmed_at: null };
  }

  /** Reflection arrived at this lesson again: it counts once more (and `extra` more, when merging copies). */
  confirm(id: string, extra = 0): Lesson | undefined {
    this.db.prepare('UPDATE experience SET confirmations = confirmations + 1 + ?, confirmed_at = ? WHERE id = ?').run(extra, nowIso(), id);
    return this.get(id);
  }

  /** Folds copies of a lesson into it, in one transaction: their confirmations count for it, and they go. */
  absorb(id: string, copies: Lesson[]): void {
    this.db.transaction(() => {
      this.confirm(id, copies.reduce((sum, copy) => sum + copy.confirmations, 0) - 1);
      for (const copy of copies) this.delete(copy.id);
    })();
  }

  get(id: string): Lesson | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM experience WHERE id = ?`).get(id) as Lesson | undefined;
  }

  /** Every lesson of a workspace, oldest first (for merging copies kept before lessons were confirmed). */
  ofWorkspace(workspace: string | null): Lesson[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM experience WHERE workspace IS ? ORDER BY created_at, rowid`).all(workspace) as Lesson[];
  }

  workspaces(): (string | null)[] {
    return (this.db.prepare('SELECT DISTINCT workspace FROM experience').all() as { workspace: string | null }[]).map((r) => r.workspace);
  }

  list(limit: number): Lesson[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM experience ORDER BY created_at DESC, rowid DESC LIMIT ?`).all(limit) as Lesson[];
  }

  /** Forgets a lesson a person judged wrong; false when there was no such lesson. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM experience WHERE id = ?').run(id).changes === 1;
  }

  /** Lessons of one workspace whose task and lesson match an FTS5 expression, best BM25 first. */
  search(workspace: string, match: string, limit: number): Lesson[] {
    return this.db
      .prepare(
        `SELECT ${COLUMNS.split(', ').map((c) => `e.${c}`).join(', ')} FROM experience_fts f JOIN experience e ON e.rowid = f.rowid
         WHERE experience_fts MATCH ? AND e.workspace = ? ORDER BY bm25(experience_fts) LIMIT ?`,
      )
      .all(match, workspace, limit) as Lesson[];
  }

  private backfillStems(): void {
    const rows = this.db.prepare('SELECT rowid AS rowid, lesson, task_message FROM experience WHERE stemmed IS NULL').all() as { rowid: number; lesson: string; task_message: string }[];
    if (!rows.length) return;
    const update = this.db.prepare('UPDATE experience SET stemmed = ? WHERE rowid = ?');
    this.db.transaction(() => rows.forEach((r) => update.run(indexed(r), r.rowid)))();
  }
}

/** The task's message is what resembles a future task; the lesson's own words help too. */
const indexed = (row: { lesson: string; task_message: string }) => stemmedText(`${row.task_message}\n${row.lesson}`);
