import { isDeepStrictEqual } from 'node:util';
import { ConflictError, NotFoundError } from '../errors.js';
import type { TaskStatus } from '../events/task-event.js';
import type { Approval } from '../store/approvals-repo.js';
import { pauseForPassword } from './pause.js';
import { createContext, runTurn } from './run-turn.js';
import type { RuntimeDeps } from './runtime-deps.js';
import type { PreparedRun } from './start-task.js';
import { answerAndFinish } from './start-task.js';
import type { TaskContext } from './task-context.js';
import { taskStateSchema, type TaskState } from './task-state.js';
import { executeTool, recordDenial, resolveAction, runPlannedActions, toolContext } from './tool-execution.js';

type Pending = NonNullable<TaskState['pending']>;

/** `continue`: a person decided on the approval; run (or skip) the action and answer. */
export function prepareContinue(deps: RuntimeDeps, taskId: string, approvalId: string): PreparedRun {
  const { state, approval } = claimPaused(deps, taskId, approvalId, 'waiting_for_approval', (a) => {
    if (a.status === 'pending') throw new ConflictError(`Approval ${a.approval_id} has not been decided yet: POST /v1/approvals/${a.approval_id}/allow_once or /deny first.`);
    if (a.status === 'used') throw new ConflictError(`Approval ${a.approval_id} has already been used.`);
  });
  return resumed(deps, taskId, state, approval, (ctx, pending) => continueAfterDecision(ctx, pending, approval));
}

/** `password`: run the approved sudo command with the password, once, then answer. */
export function preparePassword(deps: RuntimeDeps, taskId: string, approvalId: string, password: string): PreparedRun {
  const { state, approval } = claimPaused(deps, taskId, approvalId, 'waiting_for_password', (a) => {
    if (a.status !== 'allowed') throw new ConflictError(`Approval ${a.approval_id} is not waiting for a password.`);
  });
  return resumed(deps, taskId, state, approval, (ctx, pending) => runApproved(ctx, pending, approval, password));
}

function resumed(deps: RuntimeDeps, taskId: string, state: TaskState, approval: Approval, body: (ctx: TaskContext, pending: Pending) => Promise<void>): PreparedRun {
  const pending = state.pending!;
  return {
    taskId,
    conversationId: state.conversationId,
    run: (listener, signal) => {
      const ctx = createContext(deps, taskId, state, listener, signal);
      // Inside runTurn: a write that fails here still ends the task with `done`.
      return runTurn(ctx, async () => {
        ctx.emitter.emit({ type: 'task_resumed', approval_id: approval.approval_id, decision: approval.status });
        await body(ctx, pending);
      });
    },
  };
}

/**
 * Checks that the task waits on exactly this approval, then takes it atomically so a second,
 * concurrent request gets 409 instead of running the action twice.
 */
function claimPaused(
  deps: RuntimeDeps,
  taskId: string,
  approvalId: string,
  expected: TaskStatus,
  checkApproval: (approval: Approval) => void,
): { state: TaskState; approval: Approval } {
  const { tasks, approvals } = deps.store;
  const task = tasks.get(taskId);
  if (!task) throw new NotFoundError(`Unknown task: ${taskId}`);
  const approval = approvals.get(approvalId);
  if (!approval || approval.task_id !== taskId) throw new NotFoundError(`Task ${taskId} has no approval ${approvalId}.`);
  if (task.status !== expected) throw new ConflictError(`Task ${taskId} is ${task.status.replaceAll('_', ' ')}, not ${expected.replaceAll('_', ' ')}.`);
  const parsed = taskStateSchema.safeParse(JSON.parse(task.state));
  if (!parsed.success) throw new ConflictError(`Task ${taskId} was saved in a form this version cannot resume.`);
  const state = parsed.data;
  // An approval is bound to its task and its exact action; anything else is stale.
  if (state.pending?.approvalId !== approvalId || state.pending.action.tool !== approval.tool || !isDeepStrictEqual(state.pending.action.args, approval.args)) {
    throw new ConflictError(`Approval ${approvalId} is not the one task ${taskId} is waiting for.`);
  }
  checkApproval(approval);
  if (!tasks.claim(taskId, expected)) throw new ConflictError(`Task ${taskId} is already being resumed.`);
  return { state, approval };
}

async function continueAfterDecision(ctx: TaskContext, pending: Pending, approval: Approval): Promise<void> {
  if (approval.status === 'denied') {
    const resolved = resolveAction(ctx, pending.action);
    await recordDenial(ctx, resolved?.tool, resolved?.input, pending.action, approval.approval_id, pending.plannerRisk);
    ctx.deps.store.approvals.transition(approval.approval_id, 'denied', 'used');
    ctx.state.pending = null;
    // The user said no; the model explains instead of trying the rest of that plan.
    await answerAndFinish(ctx);
    return;
  }
  if (approval.needs_password) {
    pauseForPassword(ctx, approval.approval_id, pending.action);
    return;
  }
  await runApproved(ctx, pending, approval);
}

const MAX_PASSWORD_ATTEMPTS = 3;

async function runApproved(ctx: TaskContext, pending: Pending, approval: Approval, password?: string): Promise<void> {
  const resolved = resolveAction(ctx, pending.action);
  const toolCtx = toolContext(ctx, pending.plannerRisk);
  // Policy is checked again on resume: whatever the stored approval says, sudo never runs without the password step.
  const recheck = resolved && (await resolved.tool.approval(resolved.input, toolCtx));
  if (recheck && recheck.kind === 'ask' && recheck.needsPassword && password === undefined) {
    pauseForPassword(ctx, approval.approval_id, pending.action);
    return;
  }
  const result = resolved ? await executeTool(ctx, resolved.tool, resolved.input, pending.action, toolCtx, { by: 'person' }, password) : null;
  if (password !== undefined && result?.authFailed && ++ctx.state.passwordAttempts < MAX_PASSWORD_ATTEMPTS) {
    // A mistyped password is not a reason to give up: the approval stands, ask again.
    pauseForPassword(ctx, approval.approval_id, pending.action);
    return;
  }
  ctx.deps.store.approvals.transition(approval.approval_id, 'allowed', 'used');
  ctx.state.pending = null;
  ctx.state.passwordAttempts = 0;
  // The rest of the approved plan runs (each action through the policy again); no new planning.
  if ((await runPlannedActions(ctx, pending.remaining, pending.plannerRisk)) === 'paused') return;
  await answerAndFinish(ctx);
}
