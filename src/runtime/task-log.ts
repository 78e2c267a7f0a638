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

/** The run of deltas stored last, still growing: later deltas extend its row. */
interface StoredRun {
  type: TaskEventType;
  firstSeq: number;
  lastSeq: number;
  text: string;
  parts: number[];
}

interface LiveTask {
  lastSeq: number;
  /** Deltas appended on this turn of the event loop: written together, then delivered. */
  queued: LoggedEvent[];
  run: StoredRun | null;
  followers: Set<Follower>;
  /** Runs and after-work in flight; the task is open while any is. */
  holds: number;
  /** The last write of queued deltas failed (a full disk): the task's next append reports it. */
  fault: unknown;
  /** When deltas were last written (performance.now()), to pace the writes of a steady stream. */
  wroteAt: number;
}

/** A run's row stops growing past this many characters; the next delta starts a new row, so no write rewrites much. */
const MAX_RUN_CHARS = 2048;
/**
 * Deltas of a steady stream are written at most this often (a first delta after a pause goes out
 * on the next turn of the event loop): a model at 100 tokens/s costs a few writes a second, not
 * a hundred, for a delay no reader sees.
 */
const DELTA_WRITE_INTERVAL_MS = 25;

/**
 * The one record of every task: events get their sequence number here, are written to the event
 * log (transitions in the same transaction as the task row), and only then reach the followers,
 * in order, so that whatever a follower saw survives a crash and no number is ever given twice.
 *
 * Deltas stream one by one but are stored merged: those that arrived since the last write are
 * written together (see DELTA_WRITE_INTERVAL_MS), extending their run's row, which keeps each
 * delta's length, so that a follower resuming after any delta gets exactly the text it has not seen. Node runs this on one
 * thread and the database calls are synchronous: a follower that reads the log and then
 * subscribes cannot miss or repeat an event.
 */
export class TaskLog {
  private readonly live = new Map<string, LiveTask>();

  constructor(private readonly store: Store) {}

  /** Appends one event; a delta is written (and delivered) with the others that arrive before the next write. */
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
    this.reportFault(task);
    this.writeQueued(taskId, task);
    const before = task.lastSeq;
    const written: LoggedEvent[] = [];
    try {
      const result = this.store.db.transaction(() => {
        task.run = null;
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
    // Deltas that could not be written still go first: followers keep the order they were made in.
    for (const queued of task.queued.splice(0)) this.deliver(task, queued);
    const { type, payload } = toPayload(event);
    this.deliver(task, { seq: ++task.lastSeq, type, payload });
    this.forgetIfIdle(event.task_id, task);
  }

  /** Writes out (and delivers) the deltas not yet written, now. */
  flush(taskId: string): void {
    const task = this.live.get(taskId);
    if (!task) return;
    this.writeQueued(taskId, task);
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
        this.writeQueued(taskId, task);
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

  /** Every event delivered after `after`, exactly: a merged run that `after` falls inside is cut there. */
  read(taskId: string, after: number): LoggedEvent[] {
    return this.store.events
      .rowsAfter(taskId, after)
      .map((row) => (row.first_seq !== null && row.parts ? cutRun(row.event_type, row.payload, row.first_seq, row.parts, row.seq, after) : { seq: row.seq, type: row.event_type, payload: row.payload }));
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
    this.reportFault(task);
    const { type, payload } = toPayload(event);
    const seq = ++task.lastSeq;
    if (!task.queued.length) {
      const wait = task.wroteAt + DELTA_WRITE_INTERVAL_MS - performance.now();
      const write = () => this.writeQueuedQuietly(event.task_id, task);
      if (wait > 0) setTimeout(write, wait);
      else setImmediate(write);
    }
    task.queued.push({ seq, type, payload });
    return seq;
  }

  private reportFault(task: LiveTask): void {
    if (!task.fault) return;
    const fault = task.fault;
    task.fault = null;
    throw fault;
  }

  /** The scheduled write has no caller to throw to: the deltas still reach the followers, and the task's next append fails with the cause. */
  private writeQueuedQuietly(taskId: string, task: LiveTask): void {
    try {
      this.writeQueued(taskId, task);
    } catch (error) {
      task.fault = error;
      const queued = task.queued.splice(0);
      for (const event of queued) this.deliver(task, event);
    } finally {
      this.forgetIfIdle(taskId, task);
    }
  }

  /** Writes the queued deltas, extending the run's row, then delivers them. */
  private writeQueued(taskId: string, task: LiveTask): void {
    if (!task.queued.length) return;
    const before = task.run && { ...task.run, parts: [...task.run.parts] };
    try {
      this.store.db.transaction(() => {
        let replaces = task.run?.lastSeq;
        for (const event of task.queued) {
          const delta = String(event.payload.delta);
          const run = task.run;
          if (run && run.type === event.type && run.text.length < MAX_RUN_CHARS && run.lastSeq === event.seq - 1) {
            run.text += delta;
            run.parts.push(delta.length);
            run.lastSeq = event.seq;
            continue;
          }
          if (run) this.writeRun(taskId, run, replaces);
          task.run = { type: event.type, firstSeq: event.seq, lastSeq: event.seq, text: delta, parts: [delta.length] };
          replaces = undefined;
        }
        this.writeRun(taskId, task.run!, replaces);
      })();
    } catch (error) {
      task.run = before;
      throw error;
    }
    task.wroteAt = performance.now();
    const queued = task.queued.splice(0);
    for (const event of queued) this.deliver(task, event);
  }

  private writeRun(taskId: string, run: StoredRun, replaces: number | undefined): void {
    const payload = { task_id: taskId, delta: run.text };
    this.store.events.append(taskId, { seq: run.lastSeq, type: run.type, payload, run: { firstSeq: run.firstSeq, parts: run.parts }, ...(replaces === undefined ? {} : { replaces }) });
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
      task = { lastSeq: this.store.events.lastSeq(taskId), queued: [], run: null, followers: new Set(), holds: 0, fault: null, wroteAt: 0 };
      this.live.set(taskId, task);
    }
    return task;
  }

  private forgetIfIdle(taskId: string, task: LiveTask): void {
    if (task.holds === 0 && task.followers.size === 0 && !task.queued.length && this.live.get(taskId) === task) this.live.delete(taskId);
  }
}

/** The part of a merged run after `after`, carrying the run's last sequence number. */
function cutRun(type: TaskEventType, payload: Record<string, unknown>, firstSeq: number, parts: number[], lastSeq: number, after: number): LoggedEvent {
  if (after < firstSeq) return { seq: lastSeq, type, payload };
  const seen = parts.slice(0, after - firstSeq + 1).reduce((sum, n) => sum + n, 0);
  return { seq: lastSeq, type, payload: { ...payload, delta: String(payload.delta).slice(seen) } };
}
