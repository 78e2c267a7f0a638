import { actPhase } from './action-loop.js';
import { errorSummary } from './background-jobs.js';
import { failTask } from './finish.js';
import { generationStats } from './generation-stats.js';
import { awaitApprovalPhase, awaitPasswordPhase } from './pause.js';
import { resumePhase, runApprovedPhase } from './resume-task.js';
import { planPhase, recallPhase } from './route.js';
import type { RuntimeDeps } from './runtime-deps.js';
import { preparePhase, type PreparedRun } from './start-task.js';
import { stageOf, type Step, type StepKind } from './steps.js';
import { storageReason } from './storage-fault.js';
import type { TaskContext } from './task-context.js';
import { TaskEmitter } from './task-emitter.js';
import { answerPhase } from './thinker.js';

type Phase<K extends StepKind> = (ctx: TaskContext, step: Extract<Step, { kind: K }>) => Step | Promise<Step>;

/** Every phase by the step it handles; `done` has none: the run is over. */
const PHASES: { [K in Exclude<StepKind, 'done'>]: Phase<K> } = {
  prepare: preparePhase,
  recall: recallPhase,
  plan: planPhase,
  act: actPhase,
  resume: resumePhase,
  run_approved: runApprovedPhase,
  await_approval: awaitApprovalPhase,
  await_password: awaitPasswordPhase,
  answer: answerPhase,
};

/**
 * The one driver: runs a prepared task (new, continued or given a password) step by step until it
 * completes or pauses for a person. Whatever happens, the task ends in a saved state with `done`.
 * The stage the user sees is derived from the step, so it is never stale (a planner thinking after
 * a tool says "planning").
 */
export async function driveTask(deps: RuntimeDeps, run: PreparedRun, signal: AbortSignal): Promise<void> {
  const ctx = createContext(deps, run, signal);
  let shown = '';
  try {
    let step = run.first;
    while (step.kind !== 'done') {
      ctx.signal.throwIfAborted();
      const status = stageOf(step);
      const key = status && `${status.stage}:${status.detail ?? ''}`;
      if (status && key !== shown) {
        ctx.emitter.emit({ type: 'runtime_status', stage: status.stage, conversation_id: ctx.state.conversationId, ...(status.detail ? { detail: status.detail } : {}) });
        shown = key!;
      }
      step = await (PHASES[step.kind] as Phase<typeof step.kind>)(ctx, step);
    }
  } catch (error) {
    try {
      failTask(ctx, error);
    } catch (storeError) {
      endUnrecorded(ctx, storeError);
    }
  } finally {
    try {
      ctx.emitter.flush();
    } catch (storeError) {
      deps.log(`task ${ctx.taskId}: its last events could not be recorded: ${errorSummary(storeError)}`);
    }
  }
}

function createContext(deps: RuntimeDeps, run: PreparedRun, signal: AbortSignal): TaskContext {
  return {
    deps,
    taskId: run.taskId,
    state: run.state,
    emitter: new TaskEmitter(deps.taskLog, run.taskId),
    signal,
    startedAt: performance.now(),
    firstTokenAt: null,
    answer: '',
  };
}

/**
 * The database failed under the task (full disk, a lock held too long) and even its failure could
 * not be saved: followers are still told, and the server log gets why. What was saved stays saved.
 */
function endUnrecorded(ctx: TaskContext, storeError: unknown): void {
  ctx.deps.log(`task ${ctx.taskId} stopped: the database could not be written: ${errorSummary(storeError)}`);
  const cancelled = ctx.signal.aborted;
  ctx.emitter.tell({ type: 'error', code: cancelled ? 'cancelled' : 'storage_failed', message: `The task was stopped: ducklm could not write to its database (${storageReason(storeError)}). What was saved before is kept.` });
  ctx.emitter.tell({ type: 'done', conversation_id: ctx.state.conversationId, status: cancelled ? 'cancelled' : 'failed', generation_stats: generationStats(ctx.state.calls, null, performance.now() - ctx.startedAt) });
}
