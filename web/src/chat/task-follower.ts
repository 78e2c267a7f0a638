/**
 * Follows one task's event log over SSE and survives dropped connections: it remembers the
 * `id` (log sequence number) of the last event it passed on and, when a stream breaks or ends
 * before the run did, reopens `GET /v1/tasks/{id}/stream` from there with a short backoff, for
 * as long as the page keeps it. No React here; the chat hook owns one follower at a time.
 */
import { ApiError, followStream, type OnTaskEvent, type TaskEvent } from '../api.js';

/** How a follow ended: the run reached its end, the page let go, or it cannot go on. */
export type FollowEnd = { kind: 'ended' } | { kind: 'detached' } | { kind: 'failed'; error: unknown; beforeAnyEvent: boolean };

export interface FollowOptions {
  /** Null while a new task's first request has not answered yet. */
  taskId: string | null;
  /** The last sequence number already shown; only later events are passed on. */
  after: number;
  /** `pause`: the run ends when the task waits for the person; `end`: only when it finishes. */
  until: 'pause' | 'end';
  /** The request that starts or resumes the run (chat, continue, password); without it, a plain follow. */
  first?: (onEvent: OnTaskEvent, signal: AbortSignal) => Promise<void>;
  onEvent(event: TaskEvent, seq: number | null): void;
  /** True while waiting to reconnect; false again once events flow. */
  onReconnecting(reconnecting: boolean): void;
}

export interface Follower {
  readonly taskId: string | null;
  readonly lastSeq: number;
  /** Hangs up without stopping the task: it goes on on the server. */
  detach(): void;
  readonly ended: Promise<FollowEnd>;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Worth another try: the network or a server that is restarting, not a refusal. */
const retryable = (error: unknown) => (error instanceof ApiError ? error.status >= 500 || error.status === 408 || error.status === 429 : error instanceof TypeError);

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

export function followTask(options: FollowOptions): Follower {
  const controller = new AbortController();
  const signal = controller.signal;
  const state = { taskId: options.taskId, lastSeq: options.after };

  const run = async (): Promise<FollowEnd> => {
    let delay = FIRST_DELAY_MS;
    let seenAny = false;
    let reconnecting = false;
    let open = options.first;
    for (;;) {
      let progressed = false;
      let finished = false;
      const onEvent: OnTaskEvent = (event, seq) => {
        if (signal.aborted) return;
        state.taskId ??= event.task_id;
        if (seq !== null) {
          if (seq <= state.lastSeq) return;
          state.lastSeq = seq;
        }
        seenAny = progressed = true;
        if (reconnecting) options.onReconnecting((reconnecting = false));
        // A `done` ends the run; memory events may still follow on the same stream until it closes.
        if (event.type === 'done' && (TERMINAL.has(event.status) || options.until === 'pause')) finished = true;
        options.onEvent(event, seq);
      };
      try {
        if (open) await open(onEvent, signal);
        else await followStream(state.taskId!, state.lastSeq, options.until, onEvent, signal);
      } catch (error) {
        if (signal.aborted) return { kind: 'detached' };
        if (finished) return { kind: 'ended' };
        if (!state.taskId || !retryable(error)) return { kind: 'failed', error, beforeAnyEvent: !seenAny };
      }
      if (signal.aborted) return { kind: 'detached' };
      if (finished) return { kind: 'ended' };
      // Ended before the run did: without a task id there is nothing to resume.
      if (!state.taskId) return { kind: 'failed', error: new Error('The connection ended before the task started.'), beforeAnyEvent: !seenAny };
      if (!reconnecting) options.onReconnecting((reconnecting = true));
      // Back off while nothing gets through; a connection that carried events starts over quickly.
      const pause = progressed ? FIRST_DELAY_MS : delay;
      delay = Math.min(pause * 2, MAX_DELAY_MS);
      await wait(pause, signal);
      if (signal.aborted) return { kind: 'detached' };
      open = undefined;
    }
  };

  const ended = run().finally(() => options.onReconnecting(false));
  return {
    get taskId() {
      return state.taskId;
    },
    get lastSeq() {
      return state.lastSeq;
    },
    detach: () => controller.abort(),
    ended,
  };
}
