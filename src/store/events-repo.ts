import type { TaskEventType } from '../events/task-event.js';
import { nowIso, type Db } from './database.js';

export interface StoredEvent {
  task_id: string;
  /** The event's sequence number; for a merged run of deltas, that of its last delta. */
  seq: number;
  event_type: TaskEventType;
  payload: Record<string, unknown>;
  created_at: string;
}

/** A stored row as the task log reads it back: a merged run of deltas knows its parts. */
export interface LogRow extends StoredEvent {
  /** The first sequence number of a merged run of deltas (null for a single event). */
  first_seq: number | null;
  /** The length of each delta of a merged run, in order (null for a single event). */
  parts: number[] | null;
}

interface EventRow {
  task_id: string;
  seq: number;
  event_type: TaskEventType;
  payload: string;
  created_at: string;
  first_seq: number | null;
  parts: string | null;
}

const toEvent = ({ task_id, seq, event_type, payload, created_at }: EventRow): StoredEvent => ({
  task_id,
  seq,
  event_type,
  payload: JSON.parse(payload) as Record<string, unknown>,
  created_at,
});

const toLogRow = (row: EventRow): LogRow => ({ ...toEvent(row), first_seq: row.first_seq, parts: row.parts === null ? null : (JSON.parse(row.parts) as number[]) });

/** A row to write: sequence numbers are given by the task log, which owns them. */
export interface NewEventRow {
  seq: number;
  type: TaskEventType;
  payload: Record<string, unknown>;
  /** A merged run of deltas: its first sequence number and each delta's length. */
  run?: { firstSeq: number; parts: number[] };
  /** The run grew: this row replaces the one stored under this sequence number. */
  replaces?: number;
}

export class EventsRepo {
  // Every event of every task goes through here; better-sqlite3 does not cache prepared statements.
  private readonly insert;
  private readonly update;
  private readonly after;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO task_events (task_id, seq, event_type, payload, created_at, first_seq, parts) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.update = db.prepare('UPDATE task_events SET seq = ?, payload = ?, parts = ? WHERE task_id = ? AND seq = ?');
    this.after = db.prepare('SELECT * FROM task_events WHERE task_id = ? AND seq > ? ORDER BY seq');
  }

  append(taskId: string, row: NewEventRow): void {
    if (row.replaces !== undefined) {
      this.update.run(row.seq, JSON.stringify(row.payload), JSON.stringify(row.run?.parts ?? null), taskId, row.replaces);
      return;
    }
    this.insert.run(taskId, row.seq, row.type, JSON.stringify(row.payload), nowIso(), row.run?.firstSeq ?? null, row.run ? JSON.stringify(row.run.parts) : null);
  }

  list(taskId: string): StoredEvent[] {
    return (this.after.all(taskId, 0) as EventRow[]).map(toEvent);
  }

  /** Rows whose last sequence number is past `seq`: a merged run may start at or before it. */
  rowsAfter(taskId: string, seq: number): LogRow[] {
    return (this.after.all(taskId, seq) as EventRow[]).map(toLogRow);
  }

  lastSeq(taskId: string): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM task_events WHERE task_id = ?').get(taskId) as { seq: number }).seq;
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
