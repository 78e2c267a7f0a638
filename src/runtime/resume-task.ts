import { isDeepStrictEqual } from 'node:util';
import { ConflictError, NotFoundError } from '../errors.js';
import type { TaskStatus } from '../events/task-event.js';
import type { Approval } from '../store/approvals-repo.js';
import type { RuntimeDeps } from './runtime-deps.js';
import type { PreparedRun } from './start-task.js';
import type { Step } from './steps.js';
import type { TaskContext } from './task-context.js';
import { taskStateSchema, type TaskState } from './task-state.js';
import { MAX_PASSWORD_ATTEMPTS } from './pause.js';
import type { ToolResult } from '../tools/tool.js';
import { executeTool, recordDenial, recordRefusal, resolveAction, toolContext } from './tool-execution.js';
import { prepareTools } from './tool-servers.js';

/** `continue`: a person decided on the approval; the task resumes from its saved state. */
export function prepareContinue(deps: RuntimeDeps, taskId: string, approvalId: string): PreparedRun {
  const { state, approval, after } = claimPaused(deps, taskId, approvalId, 'waiting_for_approval', (a) => {
    if (a.status === 'pending') throw new ConflictError(`Approval ${a.approval_id} has not been decided yet: POST /v1/approvals/${a.approval_id}/allow_once or /deny first.`);
    if (a.status === 'used') throw new ConflictError(`Approval ${a.approval_id} has already been used.`);
  });
  return { taskId, conversationId: state.conversationId, state, after, first: { kind: 'resume', approval } };
}

/** `password`: run the approved sudo command with the password, once, then answer. */
export function preparePassword(deps: RuntimeDeps, taskId: string, approvalId: string, password: string): PreparedRun {
  const { state, approval, after } = claimPaused(deps, taskId, approvalId, 'waiting_for_password', (a) => {
    if (a.status !== 'allowed') throw new ConflictError(`Approval ${a.approval_id} is not waiting for a password.`);
  });
  return { taskId, conversationId: state.conversationId, state, after, first: { kind: 'run_approved', approval, password } };
}

/**
 * Checks that the task waits on exactly this approval, then takes it atomically (with its
 * `task_resumed` event) so a second, concurrent request gets 409 instead of running the action twice.
 */
function claimPaused(
  deps: RuntimeDeps,
  taskId: string,
  approvalId: string,
  expected: TaskStatus,
  checkApproval: (approval: Approval) => void,
): { state: TaskState; approval: Approval; after: number } {
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
  const log = deps.taskLog;
  const after = log.transact(taskId, (append) => {
    if (!tasks.claim(taskId, expected)) throw new ConflictError(`Task ${taskId} is already being resumed.`);
    return append({ type: 'task_resumed', task_id: taskId, approval_id: approvalId, decision: approval.status }) - 1;
  });
  return { state, approval, after };
}

/** The `resume` phase: what the person decided sends the task on. */
export async function resumePhase(ctx: TaskContext, step: Extract<Step, { kind: 'resume' }>): Promise<Step> {
  // The paused action may be an MCP server's tool, whose server this ducklm has not started yet.
  await prepareTools(ctx);
  const { approval } = step;
  const pending = ctx.state.pending!;
  if (approval.status === 'denied') {
    const resolved = resolveAction(ctx, pending.action);
    await recordDenial(ctx, resolved?.tool, resolved?.input, pending.action, approval.approval_id, pending.plannerRisk);
    ctx.deps.store.approvals.transition(approval.approval_id, 'denied', 'used');
    ctx.state.pending = null;
    // The user said no; the model explains instead of trying the rest of that plan.
    return { kind: 'answer' };
  }
  if (approval.needs_password) return { kind: 'await_password', approvalId: approval.approval_id, action: pending.action };
  return { kind: 'run_approved', approval };
}

/** The `run_approved` phase: the approved action runs, then the rest of its plan without planning again. */
export async function runApprovedPhase(ctx: TaskContext, step: Extract<Step, { kind: 'run_approved' }>): Promise<Step> {
  await prepareTools(ctx);
  const { approval, password } = step;
  const pending = ctx.state.pending!;
  const resolved = resolveAction(ctx, pending.action);
  const toolCtx = toolContext(ctx, pending.plannerRisk);
  // Policy is checked again on resume: whatever the stored approval says, sudo never runs without the password step.
  const recheck = resolved && (await resolved.tool.approval(resolved.input, toolCtx));
  if (recheck && recheck.kind === 'ask' && recheck.needsPassword && password === undefined) {
    return { kind: 'await_password', approvalId: approval.approval_id, action: pending.action };
  }
  let result: ToolResult | null = null;
  // Refused now (the path became ducklm's own data, a hard link): no approval makes it run.
  if (resolved && recheck?.kind === 'refuse') await recordRefusal(ctx, resolved.tool, resolved.input, pending.action, toolCtx, recheck.reason);
  // A file change runs only if its diff is still the one the person approved (see applyChange).
  else if (resolved) result = await executeTool(ctx, resolved.tool, resolved.input, pending.action, toolCtx, { by: 'person' }, { ...(password !== undefined ? { password } : {}), ...(approval.diff !== undefined ? { diff: approval.diff } : {}) });
  if (password !== undefined) {
    const attempt = ctx.state.passwordAttempts + 1;
    ctx.emitter.emit({ type: 'password_attempt', approval_id: approval.approval_id, attempt, accepted: !result?.authFailed });
    // A mistyped password is not a reason to give up: the approval stands, ask again.
    if (result?.authFailed && ++ctx.state.passwordAttempts < MAX_PASSWORD_ATTEMPTS) return { kind: 'await_password', approvalId: approval.approval_id, action: pending.action };
    // Out of attempts: the command counts as failed, and that (not each attempt) is what the model hears.
    if (result?.authFailed) {
      const output = `sudo did not accept the password ${MAX_PASSWORD_ATTEMPTS} times; the command did not run.`;
      ctx.state.observations.push({ tool: pending.action.tool, args: pending.action.args, ok: false, output, truncated: false });
    }
  }
  ctx.deps.store.approvals.transition(approval.approval_id, 'allowed', 'used');
  ctx.state.pending = null;
  ctx.state.passwordAttempts = 0;
  // The rest of the approved plan runs (each action through the policy again); no new planning.
  return { kind: 'act', actions: pending.remaining, risk: pending.plannerRisk, final: true };
}
