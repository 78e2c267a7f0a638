import type { TaskEventType } from '../events/task-event.js';
import { nowIso, type Db } from './database.js';

export interface StoredEvent {
  task_id: string;
  seq: number;
  event_type: TaskEventType;
  payload: Record<string, unknown>;
  created_at: string;
}

interface EventRow {
  task_id: string;
  seq: number;
  event_type: TaskEventType;
  payload: string;
  created_at: string;
}

const toEvent = (row: EventRow): StoredEvent => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> });

export class EventsRepo {
  // Every event of every task goes through here; better-sqlite3 does not cache prepared statements.
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO task_events (task_id, seq, event_type, payload, created_at)
       VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_events WHERE task_id = ?), ?, ?, ?)`,
    );
  }

  append(taskId: string, type: TaskEventType, payload: Record<string, unknown>): void {
    this.insert.run(taskId, taskId, type, JSON.stringify(payload), nowIso());
  }

  list(taskId: string): StoredEvent[] {
    return (this.db.prepare('SELECT * FROM task_events WHERE task_id = ? ORDER BY seq').all(taskId) as EventRow[]).map(toEvent);
  }

  /** Events of one type across all tasks, newest first. */
  listByType(type: TaskEventType, limit: number): StoredEvent[] {
    return (
      this.db
        .prepare('SELECT * FROM task_events WHERE event_type = ? ORDER BY created_at DESC, seq DESC LIMIT ?')
        .all(type, limit) as EventRow[]
    ).map(toEvent);
  }
}
