import { allowAlways } from './allow-always.js';
import { prepareContinue, preparePassword } from './resume-task.js';
import type { RuntimeDeps } from './runtime-deps.js';
import { prepareTask, type ChatRequest, type PreparedRun } from './start-task.js';

/** The agent's entry points; knows nothing of HTTP, so the CLI and tests use it the same way. */
export class Runtime {
  constructor(readonly deps: RuntimeDeps) {
    // Tasks that were mid-run when the last process stopped can never finish; paused ones can.
    deps.store.tasks.failInterrupted();
  }

  startTask(request: ChatRequest): Promise<PreparedRun> {
    return prepareTask(this.deps, request);
  }

  continueTask(taskId: string, approvalId: string): PreparedRun {
    return prepareContinue(this.deps, taskId, approvalId);
  }

  providePassword(taskId: string, approvalId: string, password: string): PreparedRun {
    return preparePassword(this.deps, taskId, approvalId, password);
  }

  allowAlways(approvalId: string) {
    return allowAlways(this.deps, approvalId);
  }

  /** Resolves when memory policy and reflection of finished tasks are done. */
  idle(): Promise<void> {
    return this.deps.background.idle();
  }
}
