import type { TaskStatus } from '../events/task-event.js';
import { nowIso, type Db } from './database.js';

export interface TaskRow {
  id: string;
  conversation_id: string;
  workspace: string;
  message: string;
  status: TaskStatus;
  /** JSON of the runtime's TaskState; parsed by the runtime, which owns its shape. */
  state: string;
  created_at: string;
  updated_at: string;
}

export class TasksRepo {
  constructor(private readonly db: Db) {}

  create(task: Pick<TaskRow, 'id' | 'conversation_id' | 'workspace' | 'message' | 'state'>): void {
    const now = nowIso();
    this.db
      .prepare(
        `INSERT INTO tasks (id, conversation_id, workspace, message, status, state, created_at, updated_at)
         VALUES (@id, @conversation_id, @workspace, @message, 'running', @state, @now, @now)`,
      )
      .run({ ...task, now });
  }

  get(id: string): TaskRow | undefined {
    return this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
  }

  save(id: string, status: TaskStatus, state: string): void {
    this.db.prepare('UPDATE tasks SET status = ?, state = ?, updated_at = ? WHERE id = ?').run(status, state, nowIso(), id);
  }

  /** Moves a task from `from` to running; false when another request got there first. */
  claim(id: string, from: TaskStatus): boolean {
    const result = this.db
      .prepare(`UPDATE tasks SET status = 'running', updated_at = ? WHERE id = ? AND status = ?`)
      .run(nowIso(), id, from);
    return result.changes === 1;
  }

  /** Tasks paused for the person (an approval or a password), most recently paused first. */
  waiting(limit: number): Omit<TaskRow, 'state'>[] {
    return this.db
      .prepare(
        `SELECT id, conversation_id, workspace, message, status, created_at, updated_at FROM tasks
         WHERE status IN ('waiting_for_approval', 'waiting_for_password') ORDER BY updated_at DESC, rowid DESC LIMIT ?`,
      )
      .all(limit) as Omit<TaskRow, 'state'>[];
  }

  /** Ends a task paused for an approval or a password; false when it was not paused. */
  cancelPaused(id: string): boolean {
    return (
      this.db
        .prepare(`UPDATE tasks SET status = 'cancelled', updated_at = ? WHERE id = ? AND status IN ('waiting_for_approval', 'waiting_for_password')`)
        .run(nowIso(), id).changes === 1
    );
  }

  /** Tasks marked running: at start-up, those a process that stopped left behind. */
  running(): TaskRow[] {
    return this.db.prepare(`SELECT * FROM tasks WHERE status = 'running'`).all() as TaskRow[];
  }
}
