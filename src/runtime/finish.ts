import { DucklmError, InterruptedError, ModelBehaviorError, ModelNotFoundError, ModelRequestError, ModelUnavailableError } from '../errors.js';
import type { TaskStatus } from '../events/task-event.js';
import { generationStats } from './generation-stats.js';
import { answerTurn } from './prompts.js';
import type { TaskContext } from './task-context.js';
import type { Append } from './task-emitter.js';

/** Saves the task's state and status and closes this run with `done`, inside the caller's transaction. */
export function endTurn(ctx: TaskContext, status: TaskStatus, append: Append): void {
  ctx.deps.store.tasks.save(ctx.taskId, status, JSON.stringify(ctx.state));
  const ttft = ctx.firstTokenAt === null ? null : ctx.firstTokenAt - ctx.startedAt;
  append({
    type: 'done',
    conversation_id: ctx.state.conversationId,
    status,
    generation_stats: generationStats(ctx.state.calls, ttft, performance.now() - ctx.startedAt),
  });
}

/** Past this, an earlier turn's tool results are left out of later prompts: context is worth more than a cache hit. */
const MAX_REMEMBERED_TURN_CHARS = 6_000;

export function completeTask(ctx: TaskContext): void {
  ctx.state.pending = null;
  const { conversations } = ctx.deps.store;
  const seen = answerTurn(ctx.state).content;
  ctx.emitter.transact((append) => {
    if (seen !== ctx.state.message && seen.length <= MAX_REMEMBERED_TURN_CHARS) conversations.setModelContent(ctx.taskId, seen);
    conversations.addMessage(ctx.state.conversationId, ctx.taskId, 'assistant', ctx.answer, 'completed');
    endTurn(ctx, 'completed', append);
  });
}

/** Any failure ends the task with an `error` event the user can act on; the server goes on. */
export function failTask(ctx: TaskContext, error: unknown): void {
  const { code, message, status } = ctx.signal.aborted ? describeAbort(ctx.signal.reason) : { ...describeError(error, ctx), status: 'failed' as const };
  ctx.emitter.transact((append) => {
    if (ctx.answer) ctx.deps.store.conversations.addMessage(ctx.state.conversationId, ctx.taskId, 'assistant', ctx.answer, status);
    append({ type: 'error', code, message });
    endTurn(ctx, status, append);
  });
}

/** A person's Stop cancels; the server stopping under the task interrupts it, which is a failure. */
function describeAbort(reason: unknown): { code: string; message: string; status: TaskStatus } {
  if (reason instanceof InterruptedError) return { code: 'interrupted', message: reason.message, status: 'failed' };
  return { code: 'cancelled', message: 'The task was cancelled.', status: 'cancelled' };
}

function describeError(error: unknown, ctx: TaskContext): { code: string; message: string } {
  if (error instanceof ModelUnavailableError) return { code: 'model_unavailable', message: error.message };
  if (error instanceof ModelNotFoundError) return { code: 'model_not_found', message: error.message };
  if (error instanceof ModelRequestError) return { code: 'model_error', message: error.message };
  if (error instanceof ModelBehaviorError) return { code: 'model_behavior', message: error.message };
  if (error instanceof DucklmError) return { code: 'task_failed', message: error.message };
  // Unexpected errors may carry anything in their text; the user gets a generic message.
  ctx.deps.log(`task ${ctx.taskId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: 'internal_error', message: 'ducklm hit an internal error; the task was stopped. Details are in the server log.' };
}
