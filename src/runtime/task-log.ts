import { DELTA_EVENTS, toPayload, type TaskEvent, type TaskEventType } from '../events/task-event.js';
import type { Store } from '../store/store.js';

/** One event of a task as followers receive it: its sequence number, its wire name and payload. */
export interface LoggedEvent {
  seq: number;
  type: TaskEventType;
  payload: Record<string, unknown>;
}

/** Someone following a task: every event after their resume point, then each new one, in order. */
export interface Follower {
  event(event: LoggedEvent): void;
  /** Nothing is running for the task any more (its run and its after-work ended); called on each such moment. */
  settled(): void;
}

/** A run of deltas not yet written: one row when it is, with each delta's length. */
interface PendingRun {
  type: TaskEventType;
  firstSeq: number;
  text: string;
  parts: number[];
  timer: NodeJS.Timeout;
}

interface LiveTask {
  lastSeq: number;
  pending: PendingRun | null;
  followers: Set<Follower>;
  /** Runs and after-work in flight; the task is open while any is. */
  holds: number;
}

/** A run of deltas is written out at least this often, so a crash loses at most this much of an answer. */
const FLUSH_DELTAS_MS = 500;

/**
 * The one record of every task: events get their sequence number here, are written to the event
 * log (transitions in the same transaction as the task row), and reach every follower in order.
 *
 * Deltas stream one by one but are stored merged, one row per run; the row keeps each delta's
 * length, so that a follower resuming after any delta gets exactly the text it has not seen.
 * Node runs this on one thread and the database calls are synchronous: a follower that reads the
 * log and then subscribes cannot miss or repeat an event.
 */
export class TaskLog {
  private readonly live = new Map<string, LiveTask>();

  constructor(private readonly store: Store) {}

  /** Appends one event; a delta joins the run being built and is written with it. */
  append(event: TaskEvent): number {
    if (DELTA_EVENTS.has(event.type)) return this.appendDelta(event);
    return this.transact(event.task_id, (append) => append(event));
  }

  /**
   * Runs `body` in one database transaction with the events it appends: a change of the task row
   * and the events that say so are written together or not at all. Followers hear after the commit.
   */
  transact<T>(taskId: string, body: (append: (event: TaskEvent) => number) => T): T {
    const task = this.task(taskId);
    const before = task.lastSeq;
    const written: LoggedEvent[] = [];
    try {
      const result = this.store.db.transaction(() => {
        this.writePending(taskId, task);
        return body((event) => {
          const { type, payload } = toPayload(event);
          const seq = ++task.lastSeq;
          this.store.events.append(taskId, { seq, type, payload });
          written.push({ seq, type, payload });
          return seq;
        });
      })();
      for (const event of written) this.deliver(task, event);
      return result;
    } catch (error) {
      task.lastSeq = before;
      throw error;
    } finally {
      this.forgetIfIdle(taskId, task);
    }
  }

  /**
   * Only to the followers, not the log: for the last events of a task whose log has failed (a full
   * disk, a locked database), so that those watching still see how it ended.
   */
  announce(event: TaskEvent): void {
    const task = this.task(event.task_id);
    const { type, payload } = toPayload(event);
    this.deliver(task, { seq: ++task.lastSeq, type, payload });
    this.forgetIfIdle(event.task_id, task);
  }

  /** Writes out a run of deltas still held back. */
  flush(taskId: string): void {
    const task = this.live.get(taskId);
    if (!task?.pending) return;
    this.writePending(taskId, task);
    this.forgetIfIdle(taskId, task);
  }

  /** Marks the task open (a run or its after-work is in flight) until the returned function is called. */
  hold(taskId: string): () => void {
    const task = this.task(taskId);
    task.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      task.holds--;
      if (task.holds > 0) return;
      try {
        this.writePending(taskId, task);
      } finally {
        for (const follower of [...task.followers]) follower.settled();
        this.forgetIfIdle(taskId, task);
      }
    };
  }

  isOpen(taskId: string): boolean {
    return (this.live.get(taskId)?.holds ?? 0) > 0;
  }

  lastSeq(taskId: string): number {
    return this.live.get(taskId)?.lastSeq ?? this.store.events.lastSeq(taskId);
  }

  /** Every event after `after`, exactly: a merged run that `after` falls inside is cut there. */
  read(taskId: string, after: number): LoggedEvent[] {
    const events: LoggedEvent[] = this.store.events.rowsAfter(taskId, after).map((row) =>
      row.first_seq !== null && row.parts ? cutRun(row.event_type, row.payload, row.first_seq, row.parts, row.seq, after) : { seq: row.seq, type: row.event_type, payload: row.payload },
    );
    const pending = this.live.get(taskId)?.pending;
    if (pending && pending.firstSeq + pending.parts.length - 1 > after) {
      const payload = { task_id: taskId, delta: pending.text };
      events.push(cutRun(pending.type, payload, pending.firstSeq, pending.parts, pending.firstSeq + pending.parts.length - 1, after));
    }
    return events;
  }

  /**
   * Replays the events after `after` to `follower`, then delivers each new one until the returned
   * function is called. Tells `settled` at once when nothing runs for the task.
   */
  follow(taskId: string, after: number, follower: Follower): () => void {
    for (const event of this.read(taskId, after)) follower.event(event);
    const task = this.task(taskId);
    task.followers.add(follower);
    if (task.holds === 0) follower.settled();
    return () => {
      task.followers.delete(follower);
      this.forgetIfIdle(taskId, task);
    };
  }

  private appendDelta(event: TaskEvent): number {
    const task = this.task(event.task_id);
    const { type, payload } = toPayload(event);
    const delta = (event as { delta: string }).delta;
    if (task.pending && task.pending.type !== type) this.writePending(event.task_id, task);
    const seq = ++task.lastSeq;
    if (!task.pending) {
      const timer = setTimeout(() => this.flushQuietly(event.task_id), FLUSH_DELTAS_MS);
      timer.unref();
      task.pending = { type, firstSeq: seq, text: '', parts: [], timer };
    }
    task.pending.text += delta;
    task.pending.parts.push(delta.length);
    this.deliver(task, { seq, type, payload });
    return seq;
  }

  /** The timer's flush has no caller to throw to; the next append or the run's end tries again and reports. */
  private flushQuietly(taskId: string): void {
    const task = this.live.get(taskId);
    if (!task?.pending) return;
    try {
      this.writePending(taskId, task);
    } catch {
      // Kept in memory: the next write of this task flushes it again, and fails where it can be told.
    }
  }

  private writePending(taskId: string, task: LiveTask): void {
    const run = task.pending;
    if (!run) return;
    clearTimeout(run.timer);
    const lastSeq = run.firstSeq + run.parts.length - 1;
    this.store.events.append(taskId, { seq: lastSeq, type: run.type, payload: { task_id: taskId, delta: run.text }, run: { firstSeq: run.firstSeq, parts: run.parts } });
    task.pending = null;
  }

  private deliver(task: LiveTask, event: LoggedEvent): void {
    for (const follower of [...task.followers]) {
      try {
        follower.event(event);
      } catch {
        // A follower's failure (a socket gone bad) is its own; the task and the others go on.
      }
    }
  }

  private task(taskId: string): LiveTask {
    let task = this.live.get(taskId);
    if (!task) {
      task = { lastSeq: this.store.events.lastSeq(taskId), pending: null, followers: new Set(), holds: 0 };
      this.live.set(taskId, task);
    }
    return task;
  }

  private forgetIfIdle(taskId: string, task: LiveTask): void {
    if (task.holds === 0 && task.followers.size === 0 && !task.pending && this.live.get(taskId) === task) this.live.delete(taskId);
  }
}

/** The part of a merged run after `after`, carrying the run's last sequence number. */
function cutRun(type: TaskEventType, payload: Record<string, unknown>, firstSeq: number, parts: number[], lastSeq: number, after: number): LoggedEvent {
  if (after < firstSeq) return { seq: lastSeq, type, payload };
  const seen = parts.slice(0, after - firstSeq + 1).reduce((sum, n) => sum + n, 0);
  return { seq: lastSeq, type, payload: { ...payload, delta: String(payload.delta).slice(seen) } };
}
