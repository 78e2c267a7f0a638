import { ConflictError, NotFoundError, UserError } from '../errors.js';
import type { Approval } from '../store/approvals-repo.js';
import type { Rule } from '../store/rules-repo.js';
import type { RuntimeDeps } from './runtime-deps.js';
import { taskStateSchema } from './task-state.js';
import { toolContextFor } from './tool-execution.js';

/**
 * A person's "always allow": approves this request and stores a rule for the same tool, the same
 * workspace and the same normalised target. Only this HTTP path creates rules, never a tool or
 * the model, and never for sudo.
 */
export async function allowAlways(deps: RuntimeDeps, approvalId: string, via: string | undefined): Promise<{ approval: Approval; rule: Rule }> {
  const { approvals, tasks, rules } = deps.store;
  const approval = approvals.get(approvalId);
  if (!approval) throw new NotFoundError(`Unknown approval: ${approvalId}`);
  if (approval.status !== 'pending') throw new ConflictError(`Approval ${approvalId} was already decided (${approval.status}).`);
  if (approval.needs_password) throw new UserError('sudo is never covered by a rule; use allow_once.');
  // An MCP tool is known once its server has listed it (after a restart of ducklm, not yet).
  if (!deps.tools.get(approval.tool)) await deps.tools.prepare?.(AbortSignal.timeout(30_000));
  const tool = deps.tools.get(approval.tool);
  const task = tasks.get(approval.task_id);
  const state = task ? taskStateSchema.safeParse(JSON.parse(task.state)) : null;
  const parsed = tool?.inputSchema.safeParse(approval.args);
  if (!tool?.ruleTarget || !state?.success || !parsed?.success) throw new UserError(`This ${approval.tool} action cannot be always allowed; use allow_once.`);
  const target = await tool.ruleTarget(parsed.data, toolContextFor(deps, state.data.workspace, AbortSignal.timeout(5000), state.data.pending?.plannerRisk ?? 'none'));
  if (!target) throw new UserError(`This ${approval.tool} action cannot be always allowed; use allow_once.`);
  const rule = deps.taskLog.transact(approval.task_id, (append) => {
    if (!approvals.transition(approvalId, 'pending', 'allowed')) throw new ConflictError(`Approval ${approvalId} was decided meanwhile.`);
    append({ type: 'approval_decided', task_id: approval.task_id, approval_id: approvalId, decision: 'allow_always', decided_by: 'person', ...(via ? { via } : {}) });
    return rules.add(state.data.workspace, tool.name, target, approvalId);
  });
  return { approval: approvals.get(approvalId)!, rule };
}
