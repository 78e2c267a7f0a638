import type { RuntimeDeps } from './runtime-deps.js';
import { TaskEmitter, type EventListener } from './task-emitter.js';
import type { TaskContext } from './task-context.js';
import type { TaskState } from './task-state.js';
import { failTask } from './finish.js';

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
    failTask(ctx, error);
  } finally {
    ctx.emitter.detach();
  }
}
