import type { TaskEvent } from '../events/task-event.js';
import { CliError } from './cli-error.js';
import { ApiError, networkReason, type ApiClient } from './client/api-client.js';
import { followTask, type FollowStart } from './client/task-follow.js';
import type { EventRenderer } from './render-events.js';

export type ApprovalRequest = Extract<TaskEvent, { type: 'tool_approval_requested' }>;
export type PasswordRequest = Extract<TaskEvent, { type: 'tool_password_requested' }>;

/** `leave` keeps the task paused for someone else to decide; `cancel` ends it. */
export type ApprovalAnswer = 'allow_once' | 'allow_always' | 'deny' | 'cancel' | 'leave';
export type PasswordAnswer = { kind: 'password'; value: string } | { kind: 'cancel' } | { kind: 'leave' };

/** How the person is asked when a task pauses. */
export interface TaskPrompts {
  approval(request: ApprovalRequest, problem?: string): Promise<ApprovalAnswer>;
  password(request: PasswordRequest): Promise<PasswordAnswer>;
}

export type TaskOutcome =
  | { kind: 'completed'; taskId: string; conversationId: string | null }
  /** `reported`: the error was already shown, as the stream's `error` event. */
  | { kind: 'failed'; taskId: string | null; conversationId: string | null; message: string; reported: boolean }
  /** The person stopped it (Ctrl-C, or cancelled at a prompt). */
  | { kind: 'stopped'; taskId: string | null; conversationId: string | null }
  | { kind: 'paused'; taskId: string; conversationId: string | null; request: ApprovalRequest | PasswordRequest };

export interface TaskDriverDeps {
  api: ApiClient;
  renderer: EventRenderer;
  prompts: TaskPrompts;
  /** Ctrl-C while a stream is open; returns the function that stops watching. */
  watchInterrupts(onInterrupt: () => void): () => void;
  /** Ctrl-C again while the first one is still stopping the task. */
  onRepeatedInterrupt(): void;
  /** A one-line notice ("stopped", "cancelled the task"). */
  say(text: string): void;
}

/**
 * A new stream (a POST), a follow of a running task from a sequence number (0: its whole log
 * replayed), or a task that already waits on an approval or a password (from /v1/tasks/waiting).
 */
export type TaskStart = FollowStart | { waiting: ApprovalRequest | PasswordRequest };

interface StreamResult {
  taskId: string | null;
  conversationId: string | null;
  interrupted: boolean;
  /** The request the task waits on when the stream ended, if it paused. */
  pause?: ApprovalRequest | PasswordRequest;
  error?: Extract<TaskEvent, { type: 'error' }>;
  done?: Extract<TaskEvent, { type: 'done' }>;
}

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/**
 * Runs one task to its end: streams it, and whenever it pauses asks the person (approval, sudo
 * password) and resumes it on a new stream, until it completes, fails, or is stopped or left paused.
 */
export async function driveTask(deps: TaskDriverDeps, start: TaskStart): Promise<TaskOutcome> {
  let step = start;
  let taskId: string | null = null;
  let conversationId: string | null = null;
  for (;;) {
    const result: StreamResult = 'waiting' in step ? waitingResult(step.waiting) : await streamOnce(deps, step);
    taskId = result.taskId ?? taskId;
    conversationId = result.conversationId ?? conversationId;
    if (result.interrupted && result.done?.status !== 'completed') {
      deps.renderer.endLine();
      deps.say('stopped');
      return { kind: 'stopped', taskId, conversationId };
    }
    if (result.done && ENDED.has(result.done.status)) {
      if (result.done.status === 'completed') return { kind: 'completed', taskId: result.done.task_id, conversationId };
      const message = result.error?.message ?? `The task ended as ${result.done.status}.`;
      return { kind: 'failed', taskId, conversationId, message, reported: result.error !== undefined && result.error.code !== 'cancelled' };
    }
    if (result.pause?.type === 'tool_approval_requested') {
      const { approval_id: approvalId, task_id: id } = result.pause;
      const answer = await decide(deps, result.pause);
      if (answer === 'leave') return { kind: 'paused', taskId: id, conversationId, request: result.pause };
      if (answer === 'cancel') return cancelledAtPrompt(deps, id, conversationId);
      step = { path: `/v1/tasks/${id}/continue/stream`, body: { approval_id: approvalId }, taskId: id };
      continue;
    }
    if (result.pause?.type === 'tool_password_requested') {
      const { approval_id: approvalId, task_id: id } = result.pause;
      const answer = await deps.prompts.password(result.pause);
      if (answer.kind === 'leave') return { kind: 'paused', taskId: id, conversationId, request: result.pause };
      if (answer.kind === 'cancel') return cancelledAtPrompt(deps, id, conversationId);
      step = { path: `/v1/tasks/${id}/password/stream`, body: { approval_id: approvalId, password: answer.value }, taskId: id };
      continue;
    }
    return { kind: 'failed', taskId, conversationId, message: result.error?.message ?? 'The server ended the stream before the task finished.', reported: result.error !== undefined };
  }
}

/** A task already paused: as if its stream had just ended on that request. */
function waitingResult(request: ApprovalRequest | PasswordRequest): StreamResult {
  return { taskId: request.task_id, conversationId: null, interrupted: false, pause: request };
}

/** Asks until the server takes the answer: "always" is refused for sudo and for some actions. */
async function decide(deps: TaskDriverDeps, request: ApprovalRequest): Promise<ApprovalAnswer> {
  let problem: string | undefined;
  for (;;) {
    const answer = await deps.prompts.approval(request, problem);
    if (answer === 'leave' || answer === 'cancel') return answer;
    try {
      await deps.api.post(`/v1/approvals/${request.approval_id}/${answer}`);
      return answer;
    } catch (error) {
      if (!(error instanceof ApiError) || answer !== 'allow_always' || error.status !== 422) throw error;
      problem = error.message;
    }
  }
}

async function cancelledAtPrompt(deps: TaskDriverDeps, taskId: string, conversationId: string | null): Promise<TaskOutcome> {
  await cancelTask(deps.api, taskId);
  deps.say('cancelled the task');
  return { kind: 'stopped', taskId, conversationId };
}

/**
 * Stops the task on the server: a running one is aborted, a paused one ended (its approval
 * denied). Hanging up never stops a task, so this is the only way. False when the server could
 * not be told.
 */
async function cancelTask(api: ApiClient, taskId: string): Promise<boolean> {
  try {
    await api.post(`/v1/tasks/${encodeURIComponent(taskId)}/cancel`);
    return true;
  } catch (error) {
    // 409: already over; its stream ends with its `done`.
    return error instanceof ApiError && error.status === 409;
  }
}

/** Shown live but not after a Ctrl-C: what was in flight when the person stopped it. */
const QUIET_WHEN_STOPPING = new Set<TaskEvent['type']>(['content_delta', 'reasoning_delta', 'runtime_status', 'cancel_requested']);

/**
 * Follows one run of the task until it ends or pauses. Ctrl-C asks the server to stop the task and
 * keeps reading until its `done` (cancelled), so that what the task did before stopping still shows.
 */
async function streamOnce(deps: TaskDriverDeps, start: FollowStart): Promise<StreamResult> {
  const hangup = new AbortController();
  const result: StreamResult = { taskId: 'follow' in start ? start.follow : (start.taskId ?? null), conversationId: null, interrupted: false };
  let cancelling: Promise<void> | null = null;
  const requestCancel = () => {
    if (cancelling || !result.taskId) return;
    cancelling = cancelTask(deps.api, result.taskId).then((told) => {
      if (told || (result.done && ENDED.has(result.done.status))) return;
      // Nobody to tell: stop waiting for a `done` that the server cannot send.
      deps.renderer.endLine();
      deps.say('could not reach the server to stop the task; it may still be running');
      hangup.abort();
    });
  };
  const stopWatching = deps.watchInterrupts(() => {
    if (result.interrupted) return deps.onRepeatedInterrupt();
    result.interrupted = true;
    // Before the first event the task id is not known yet: the first event sends the request.
    requestCancel();
  });
  try {
    for await (const event of followTask(deps.api, start, hangup.signal, { onLost: (reason) => deps.renderer.connectionLost(reason), onBack: () => deps.renderer.connectionBack() })) {
      result.taskId = event.task_id;
      if (result.interrupted) requestCancel();
      if (event.type === 'runtime_status' && event.conversation_id) result.conversationId = event.conversation_id;
      if (event.type === 'tool_approval_requested' || event.type === 'tool_password_requested') result.pause = event;
      else if (event.type === 'approval_decided' || event.type === 'password_attempt' || event.type === 'task_resumed') delete result.pause;
      if (event.type !== 'tool_approval_requested' && event.type !== 'tool_password_requested' && !(result.interrupted && QUIET_WHEN_STOPPING.has(event.type))) deps.renderer.render(event);
      if (event.type === 'error') result.error = event;
      if (event.type === 'done') {
        result.done = event;
        result.conversationId = event.conversation_id;
        // The end of the turn: memory events may follow, but the prompt does not wait for them.
        if (ENDED.has(event.status)) break;
      }
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Lost the connection to ducklm: ${networkReason(error)}.`);
  } finally {
    stopWatching();
  }
  await cancelling;
  return result;
}
