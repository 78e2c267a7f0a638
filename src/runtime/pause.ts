import type { ApprovalDecision } from '../tools/tool.js';
import type { RiskLevel } from '../tools/risk.js';
import { endTurn } from './finish.js';
import type { TaskContext } from './task-context.js';
import type { PlannedAction } from './task-state.js';

/**
 * Stops the task to ask a person. What resuming needs is saved with the task, so the approval
 * survives a restart; the stream then ends cleanly.
 */
export function pauseForApproval(
  ctx: TaskContext,
  action: PlannedAction,
  decision: Extract<ApprovalDecision, { kind: 'ask' }>,
  plannerRisk: RiskLevel,
  remaining: PlannedAction[],
): void {
  const reason = action.reason ? `${decision.reason.replace(/[.!]?$/, '.')} The planner's reason: ${action.reason}` : decision.reason;
  const approval = ctx.deps.store.approvals.create({
    task_id: ctx.taskId,
    tool: action.tool,
    args: action.args,
    reason,
    risk_level: decision.riskLevel,
    action_type: decision.actionType,
    needs_password: decision.needsPassword,
  });
  ctx.state.pending = { approvalId: approval.approval_id, action, plannerRisk, remaining };
  ctx.emitter.emit({ type: 'runtime_status', stage: 'waiting_for_approval', detail: action.tool });
  ctx.emitter.emit({
    type: 'tool_approval_requested',
    approval_id: approval.approval_id,
    tool: action.tool,
    args: action.args,
    reason,
    risk_level: decision.riskLevel,
    action_type: decision.actionType,
    needs_password: decision.needsPassword,
    status: 'waiting_for_approval',
  });
  endTurn(ctx, 'waiting_for_approval');
}

/** An approved sudo command waits once more, for the password, which is never saved. */
export function pauseForPassword(ctx: TaskContext, approvalId: string, action: PlannedAction): void {
  const retry = ctx.state.passwordAttempts > 0;
  ctx.emitter.emit({ type: 'runtime_status', stage: 'waiting_for_password', detail: action.tool });
  ctx.emitter.emit({
    type: 'tool_password_requested',
    approval_id: approvalId,
    tool: action.tool,
    args: action.args,
    reason: `${retry ? 'sudo did not accept that password; try again. ' : ''}sudo needs your password. It is passed to sudo once, on standard input, and never stored.`,
    attempt: ctx.state.passwordAttempts + 1,
    status: 'waiting_for_password',
  });
  endTurn(ctx, 'waiting_for_password');
}
