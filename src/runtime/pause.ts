import { endTurn } from './finish.js';
import type { Step } from './steps.js';
import type { TaskContext } from './task-context.js';

/**
 * The `await_approval` phase: stops the task to ask a person. The approval, the saved state and
 * the events that say so are written together, so the approval survives a restart and the log
 * never shows a pause the task row does not.
 */
export function awaitApprovalPhase(ctx: TaskContext, step: Extract<Step, { kind: 'await_approval' }>): Step {
  const { action, decision } = step;
  const reason = action.reason ? `${decision.reason.replace(/[.!]?$/, '.')} The planner's reason: ${action.reason}` : decision.reason;
  const asked = { tool: action.tool, args: action.args, reason, risk_level: decision.riskLevel, action_type: decision.actionType, needs_password: decision.needsPassword, ...(decision.diff !== undefined ? { diff: decision.diff } : {}), always_offered: decision.alwaysOffered ?? false };
  ctx.emitter.transact((append) => {
    const approval = ctx.deps.store.approvals.create({ task_id: ctx.taskId, ...asked });
    ctx.state.pending = { approvalId: approval.approval_id, action, plannerRisk: step.risk, remaining: step.remaining };
    append({ type: 'tool_approval_requested', approval_id: approval.approval_id, ...asked, status: 'waiting_for_approval' });
    endTurn(ctx, 'waiting_for_approval', append);
  });
  return { kind: 'done' };
}

/** How often a person may mistype the sudo password before the command counts as failed. */
export const MAX_PASSWORD_ATTEMPTS = 3;

/** The `await_password` phase: an approved sudo command waits once more, for the password, which is never saved. */
export function awaitPasswordPhase(ctx: TaskContext, step: Extract<Step, { kind: 'await_password' }>): Step {
  const retry = ctx.state.passwordAttempts > 0;
  ctx.emitter.transact((append) => {
    append({
      type: 'tool_password_requested',
      approval_id: step.approvalId,
      tool: step.action.tool,
      args: step.action.args,
      reason: `${retry ? 'sudo did not accept that password; try again. ' : ''}sudo needs your password. It is passed to sudo once, on standard input, and never stored.`,
      attempt: ctx.state.passwordAttempts + 1,
      max_attempts: MAX_PASSWORD_ATTEMPTS,
      status: 'waiting_for_password',
    });
    endTurn(ctx, 'waiting_for_password', append);
  });
  return { kind: 'done' };
}
