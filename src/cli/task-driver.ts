import type { TaskEvent } from '../events/task-event.js';
import { CliError } from './cli-error.js';
import { ApiError, networkReason, type ApiClient } from './client/api-client.js';
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

export interface StreamStart {
  path: string;
  body: unknown;
}

/** A new stream, or a task that already waits on an approval or a password (found with /v1/tasks/waiting). */
export type TaskStart = StreamStart | { waiting: ApprovalRequest | PasswordRequest };

interface StreamResult {
  taskId: string | null;
  conversationId: string | null;
  interrupted: boolean;
  approval?: ApprovalRequest;
  password?: PasswordRequest;
  error?: Extract<TaskEvent, { type: 'error' }>;
  done?: Extract<TaskEvent, { type: 'done' }>;
}

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
    if (result.interrupted) {
      deps.renderer.endLine();
      deps.say('stopped');
      await cancelTask(deps.api, taskId);
      return { kind: 'stopped', taskId, conversationId };
    }
    if (result.approval) {
      const { approval_id: approvalId, task_id: id } = result.approval;
      const answer = await decide(deps, result.approval);
      if (answer === 'leave') return { kind: 'paused', taskId: id, conversationId, request: result.approval };
      if (answer === 'cancel') return cancelledAtPrompt(deps, id, conversationId);
      step = { path: `/v1/tasks/${id}/continue/stream`, body: { approval_id: approvalId } };
      continue;
    }
    if (result.password) {
      const { approval_id: approvalId, task_id: id } = result.password;
      const answer = await deps.prompts.password(result.password);
      if (answer.kind === 'leave') return { kind: 'paused', taskId: id, conversationId, request: result.password };
      if (answer.kind === 'cancel') return cancelledAtPrompt(deps, id, conversationId);
      step = { path: `/v1/tasks/${id}/password/stream`, body: { approval_id: approvalId, password: answer.value } };
      continue;
    }
    if (result.done?.status === 'completed') return { kind: 'completed', taskId: result.done.task_id, conversationId };
    const message = result.error?.message ?? (result.done ? `The task ended as ${result.done.status}.` : 'The server ended the stream before the task finished.');
    return { kind: 'failed', taskId, conversationId, message, reported: result.error !== undefined && result.error.code !== 'cancelled' };
  }
}

/** A task already paused: as if its stream had just ended on that request. */
function waitingResult(request: ApprovalRequest | PasswordRequest): StreamResult {
  const base = { taskId: request.task_id, conversationId: null, interrupted: false };
  return request.type === 'tool_password_requested' ? { ...base, password: request } : { ...base, approval: request };
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

/** Stops the task on the server: a running one is aborted, a paused one ended (its approval denied). */
async function cancelTask(api: ApiClient, taskId: string | null): Promise<void> {
  if (!taskId) return;
  try {
    await api.post(`/v1/tasks/${taskId}/cancel`);
  } catch {
    // Already over (409): hanging up the stream stopped it first.
  }
}

async function streamOnce(deps: TaskDriverDeps, start: StreamStart): Promise<StreamResult> {
  const controller = new AbortController();
  const result: StreamResult = { taskId: null, conversationId: null, interrupted: false };
  const stopWatching = deps.watchInterrupts(() => {
    if (result.interrupted) return deps.onRepeatedInterrupt();
    result.interrupted = true;
    // Hanging up is what stops the task at once: the server aborts the model call and any command.
    controller.abort();
  });
  try {
    for await (const event of deps.api.stream(start.path, start.body, controller.signal)) {
      result.taskId = event.task_id;
      if (event.type === 'runtime_status' && event.conversation_id) result.conversationId = event.conversation_id;
      if (event.type === 'tool_approval_requested') result.approval = event;
      else if (event.type === 'tool_password_requested') result.password = event;
      else deps.renderer.render(event);
      if (event.type === 'error') result.error = event;
      if (event.type === 'done') {
        result.done = event;
        result.conversationId = event.conversation_id;
      }
    }
  } catch (error) {
    if (!result.interrupted) {
      if (error instanceof CliError) throw error;
      throw new CliError(`Lost the connection to ducklm: ${networkReason(error)}.`);
    }
  } finally {
    stopWatching();
  }
  return result;
}
