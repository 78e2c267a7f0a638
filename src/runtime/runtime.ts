import { ConflictError, NotFoundError } from '../errors.js';
import { allowAlways } from './allow-always.js';
import { prepareContinue, preparePassword } from './resume-task.js';
import type { RuntimeDeps } from './runtime-deps.js';
import { prepareTask, type ChatRequest, type PreparedRun } from './start-task.js';

/** What `cancel` did: stopped a run in flight, or ended a task that was paused. */
export type CancelOutcome = 'stopping' | 'cancelled';

/** The agent's entry points; knows nothing of HTTP, so the CLI and tests use it the same way. */
export class Runtime {
  /** Runs in flight by task id, so that a person can stop one from anywhere (another tab, the CLI). */
  private readonly inflight = new Map<string, AbortController>();

  constructor(readonly deps: RuntimeDeps) {
    // Tasks that were mid-run when the last process stopped can never finish; paused ones can.
    deps.store.tasks.failInterrupted();
  }

  async startTask(request: ChatRequest): Promise<PreparedRun> {
    return this.tracked(await prepareTask(this.deps, request));
  }

  continueTask(taskId: string, approvalId: string): PreparedRun {
    return this.tracked(prepareContinue(this.deps, taskId, approvalId));
  }

  providePassword(taskId: string, approvalId: string, password: string): PreparedRun {
    return this.tracked(preparePassword(this.deps, taskId, approvalId, password));
  }

  allowAlways(approvalId: string) {
    return allowAlways(this.deps, approvalId);
  }

  /**
   * Stops a task: a running one is aborted (its model request and command end, and it finishes
   * as `cancelled` on its own stream); a paused one is ended here, its pending approval denied.
   */
  cancel(taskId: string): CancelOutcome {
    const { store } = this.deps;
    const task = store.tasks.get(taskId);
    if (!task) throw new NotFoundError(`Unknown task: ${taskId}`);
    // Stopping twice is harmless: a client that hung up has usually cancelled it already.
    if (task.status === 'cancelled') return 'cancelled';
    const running = this.inflight.get(taskId);
    if (running) {
      running.abort(new Error('cancelled by the person'));
      return 'stopping';
    }
    const ended = store.db.transaction(() => {
      if (!store.tasks.cancelPaused(taskId)) return false;
      store.approvals.denyPendingOf(taskId);
      return true;
    })();
    if (!ended) throw new ConflictError(`Task ${taskId} is ${task.status}; there is nothing to stop.`);
    return 'cancelled';
  }

  /** Resolves when memory policy and reflection of finished tasks are done. */
  idle(): Promise<void> {
    return this.deps.background.idle();
  }

  private tracked(prepared: PreparedRun): PreparedRun {
    return {
      ...prepared,
      run: async (listener, signal) => {
        const controller = new AbortController();
        this.inflight.set(prepared.taskId, controller);
        try {
          await prepared.run(listener, AbortSignal.any([signal, controller.signal]));
        } finally {
          if (this.inflight.get(prepared.taskId) === controller) this.inflight.delete(prepared.taskId);
        }
      },
    };
  }
}
