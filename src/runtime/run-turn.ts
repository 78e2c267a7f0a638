import type { RuntimeDeps } from './runtime-deps.js';
import { TaskEmitter, type EventListener } from './task-emitter.js';
import type { TaskContext } from './task-context.js';
import type { TaskState } from './task-state.js';
import { errorSummary } from './background-jobs.js';
import { failTask } from './finish.js';
import { generationStats } from './generation-stats.js';
import { storageReason } from './storage-fault.js';

export function createContext(deps: RuntimeDeps, taskId: string, state: TaskState, listener: EventListener | null, signal: AbortSignal): TaskContext {
  return {
    deps,
    taskId,
    state,
    emitter: new TaskEmitter(deps.store.events, taskId, state.debug, listener),
    signal,
    startedAt: performance.now(),
    firstTokenAt: null,
    answer: '',
  };
}

/** Runs one stretch of a task; whatever happens, the task ends in a saved state with `done`. */
export async function runTurn(ctx: TaskContext, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    try {
      failTask(ctx, error);
    } catch (storeError) {
      endUnrecorded(ctx, storeError);
    }
  } finally {
    try {
      ctx.emitter.detach();
    } catch (storeError) {
      ctx.deps.log(`task ${ctx.taskId}: its last events could not be recorded: ${errorSummary(storeError)}`);
    }
  }
}

/**
 * The database failed under the task (full disk, a lock held too long) and even its failure could
 * not be saved: the client is still told, and the server log gets why. What was saved stays saved.
 */
function endUnrecorded(ctx: TaskContext, storeError: unknown): void {
  ctx.deps.log(`task ${ctx.taskId} stopped: the database could not be written: ${errorSummary(storeError)}`);
  const cancelled = ctx.signal.aborted;
  ctx.emitter.tell({ type: 'error', code: cancelled ? 'cancelled' : 'storage_failed', message: `The task was stopped: ducklm could not write to its database (${storageReason(storeError)}). What was saved before is kept.` });
  ctx.emitter.tell({ type: 'done', conversation_id: ctx.state.conversationId, status: cancelled ? 'cancelled' : 'failed', generation_stats: generationStats(ctx.state.calls, null, performance.now() - ctx.startedAt) });
}
