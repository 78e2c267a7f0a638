import { setTimeout as delay } from 'node:timers/promises';
import type { TaskEvent, TaskEventType } from '../../events/task-event.js';
import { CliError } from '../cli-error.js';
import { ApiError, networkReason, ServerUnreachableError, type ApiClient } from './api-client.js';

/** A POST that starts or resumes a task and answers with its stream, or a follow of a task from a sequence number. */
export type FollowStart = { path: string; body: unknown; taskId?: string } | { follow: string; after: number };

export interface FollowHooks {
  /** The connection dropped before the task's run ended; reconnecting (told once per outage). */
  onLost?(reason: string): void;
  /** A follow answered again after `onLost`. */
  onBack?(): void;
}

export interface FollowTimings {
  firstRetryMs: number;
  maxRetryMs: number;
  /** How long reconnecting may fail before giving up. */
  giveUpMs: number;
  /** No frame and no keepalive for this long: the connection is dead, even if no error says so. */
  idleMs: number;
}

/** The server sends a keepalive at least every 15 s; three missed ones mean the connection is gone. */
export const FOLLOW_TIMINGS: FollowTimings = { firstRetryMs: 250, maxRetryMs: 5000, giveUpMs: 60_000, idleMs: 45_000 };

/** What the log may still add after `done`: the run is over, so a stream that ends here ended well. */
const AFTER_DONE: ReadonlySet<TaskEventType> = new Set([
  'memory_policy_decision',
  'memory_stored',
  'memory_policy_failed',
  'memory_updated',
  'memory_superseded',
  'memory_merged',
  'reflection_completed',
  'reflection_failed',
]);

/**
 * The events of a task's run, followed across dropped connections. Each frame's `id` is kept;
 * when the stream breaks (network error, server restart, a silent dead socket) before the run
 * ended, `GET /v1/tasks/{id}/stream` with `Last-Event-ID` picks up after the last event seen, so
 * nothing is shown twice or skipped. Retries back off from 250 ms to 5 s and give up after a
 * minute of failures. Ends when the server ends the stream after `done` or a pause; the caller
 * may stop earlier (at `done`). Aborting `signal` hangs up, which does not stop the task.
 */
export async function* followTask(api: ApiClient, start: FollowStart, signal: AbortSignal, hooks: FollowHooks = {}, timings = FOLLOW_TIMINGS): AsyncGenerator<TaskEvent> {
  let taskId = 'follow' in start ? start.follow : (start.taskId ?? null);
  let lastId: number | null = 'follow' in start ? start.after : null;
  let request: Parameters<ApiClient['frames']>[0] = 'follow' in start ? followRequest(start.follow, start.after) : { method: 'POST', path: start.path, body: start.body };
  // Whether the last event ended the run, or paused it: a stream that closes then has said all.
  let settled = false;
  let failingSince: number | null = null;
  let retryMs = timings.firstRetryMs;
  /**
   * An event arrived: the connection is back. (A follow that ends with nothing new is no success:
   * what happened while away, even a pause, is at least one event after the last one seen.)
   */
  const connected = () => {
    if (failingSince !== null) hooks.onBack?.();
    failingSince = null;
  };

  for (;;) {
    let reason: string;
    let failure: unknown = null;
    const connection = new AbortController();
    const onAbort = () => connection.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let idle: NodeJS.Timeout | undefined;
    const alive = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(new Error('no data and no keepalive from the server')), timings.idleMs);
      idle.unref();
    };
    try {
      alive();
      const frames = api.frames(request, connection.signal, alive);
      for await (const frame of frames) {
        connected();
        retryMs = timings.firstRetryMs;
        if (frame.id !== null) lastId = frame.id;
        taskId = frame.event.task_id;
        settled = settles(frame.event, settled);
        yield frame.event;
      }
      if (settled) return;
      reason = 'the server ended the stream early';
    } catch (error) {
      if (signal.aborted) return;
      if (!canRetry(error)) throw error;
      failure = error;
      reason = connection.signal.aborted ? String((connection.signal.reason as Error)?.message ?? 'timed out') : networkReason(error);
    } finally {
      clearTimeout(idle);
      signal.removeEventListener('abort', onAbort);
      // Hangs up whatever is left of this connection (the caller stopped reading, or it failed).
      connection.abort();
    }
    // Without a task id or a position there is nothing to resume from: the start itself failed.
    if (taskId === null || lastId === null) throw failure instanceof CliError ? failure : new CliError(`Lost the connection to ducklm: ${reason}.`);
    if (failingSince === null) {
      failingSince = Date.now();
      hooks.onLost?.(reason);
    } else if (Date.now() - failingSince >= timings.giveUpMs) {
      throw new CliError(`Lost the connection to ducklm (${reason}) and could not get it back in ${Math.round(timings.giveUpMs / 1000)} s. The task may still be running: \`ducklm chat --resume\` follows it.`);
    }
    try {
      await delay(retryMs, undefined, { signal });
    } catch {
      return;
    }
    retryMs = Math.min(retryMs * 2, timings.maxRetryMs);
    request = { method: 'GET', path: `/v1/tasks/${encodeURIComponent(taskId)}/stream`, headers: { 'last-event-id': String(lastId) } };
  }
}

function followRequest(taskId: string, after: number): Parameters<ApiClient['frames']>[0] {
  return { method: 'GET', path: `/v1/tasks/${encodeURIComponent(taskId)}/stream?after=${after}` };
}

function settles(event: TaskEvent, settled: boolean): boolean {
  if (event.type === 'done' || event.type === 'tool_approval_requested' || event.type === 'tool_password_requested') return true;
  if (event.type === 'runtime_status' && event.stage.startsWith('waiting_')) return true;
  return settled && AFTER_DONE.has(event.type);
}

/** Worth another try: the network, a server (re)starting or a proxy in between; not a refusal such as 401 or 404. */
function canRetry(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500;
  if (error instanceof ServerUnreachableError) return true;
  // Other CliErrors are answers we understood; anything else is the socket failing mid-body.
  return !(error instanceof CliError);
}
