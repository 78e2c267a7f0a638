import type { ActionType } from '../tools/risk.js';
import type { AnyTool, ApprovalDecision, ToolContext } from '../tools/tool.js';
import type { TaskContext } from './task-context.js';

export type AskDecision = Extract<ApprovalDecision, { kind: 'ask' }>;

export type Resolution =
  | { kind: 'allow'; approvedBy: 'automatic' }
  | { kind: 'allow'; approvedBy: 'rule'; ruleId: string }
  | { kind: 'ask'; decision: AskDecision };

/**
 * Once a task has read file or command output, that text may be steering the planner: from then
 * on these kinds of action ask a person even where a rule would allow them.
 */
const GUARDED_AFTER_UNTRUSTED_INPUT: ReadonlySet<ActionType> = new Set([
  'file_write',
  'network',
  'privileged',
  'package_install',
  'service_control',
  'process_control',
]);

const TAINT_NOTE = 'This task has read file or command output, so writes, deletions, network use and privileged actions ask again even where a rule allows them.';

/** The one place that decides whether an action runs: the tool's own decision, then the user's rules. */
export async function resolveApproval(ctx: TaskContext, tool: AnyTool, input: unknown, toolCtx: ToolContext): Promise<Resolution> {
  const decision = await tool.approval(input, toolCtx);
  const guarded = (type: ActionType) => ctx.state.tainted && GUARDED_AFTER_UNTRUSTED_INPUT.has(type);
  if (decision.kind === 'allow') {
    const actionType = tool.auditSubject?.(input, toolCtx).actionType;
    if (actionType && guarded(actionType)) {
      return { kind: 'ask', decision: { kind: 'ask', reason: TAINT_NOTE, riskLevel: 'medium', actionType, needsPassword: false } };
    }
    return { kind: 'allow', approvedBy: 'automatic' };
  }
  // sudo always asks, and always for the password: no rule covers it.
  if (decision.needsPassword) return { kind: 'ask', decision };
  const target = await tool.ruleTarget?.(input, toolCtx);
  const rule = target ? ctx.deps.store.rules.match(ctx.state.workspace, tool.name, target) : undefined;
  if (!rule) return { kind: 'ask', decision };
  if (guarded(decision.actionType)) return { kind: 'ask', decision: { ...decision, reason: `${decision.reason} ${TAINT_NOTE}` } };
  return { kind: 'allow', approvedBy: 'rule', ruleId: rule.id };
}
