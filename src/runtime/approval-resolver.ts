import type { ActionType } from '../tools/risk.js';
import type { AnyTool, ApprovalDecision, ToolContext } from '../tools/tool.js';
import type { SkillSource } from '../skills/skill-library.js';
import type { Rule } from '../store/rules-repo.js';
import { turnHistory, type TaskContext } from './task-context.js';

export type AskDecision = Extract<ApprovalDecision, { kind: 'ask' }>;

export type Resolution =
  | { kind: 'allow'; approvedBy: 'automatic' }
  | { kind: 'allow'; approvedBy: 'rule'; rule: Rule }
  | { kind: 'ask'; decision: AskDecision }
  | { kind: 'refuse'; reason: string };

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

const TAINT_NOTE =
  'This task has read file or command output, or its prompt carries text that came from the workspace or was attached to the message (a workspace skill, piped standard input, or a memory, lesson or earlier turn made from such text), so writes, deletions, network use and privileged actions ask again even where a rule allows them.';

/**
 * Untrusted text also enters a prompt before any tool runs: a skill file from the workspace's
 * `.ducklm/skills`, a memory the memory policy wrote from a task that had read a README, an
 * earlier turn of the conversation whose tool results are replayed. Any of these taints the task
 * from its start, as reading that text in this task would have.
 */
export function taintFromPrompt(ctx: TaskContext, skillSource: SkillSource | null): void {
  if (ctx.state.tainted) return;
  // Attached text (piped standard input) was passed along, not written, by the person.
  if (skillSource === 'workspace' || ctx.state.attachment) {
    ctx.state.tainted = true;
    return;
  }
  const { store } = ctx.deps;
  const taskTainted = taintOfTasks(ctx);
  // A memory carries the taint of every task that wrote its words (made, merged into, updated).
  const memoryTainted = (id: string): boolean => {
    const memory = store.memories.get(id);
    const writers = [memory?.source_task_id, ...store.memories.history(id).map((h) => h.task_id)];
    return writers.some((taskId) => taskId && taskTainted(taskId));
  };
  const fromMemories = [...ctx.state.memories, ...ctx.state.pinnedMemories].some((m) => memoryTainted(m.id));
  const fromHistory = turnHistory(ctx).some((m) => m.task_id && taskTainted(m.task_id));
  if (fromMemories || fromHistory) ctx.state.tainted = true;
}

/** Lessons the critic wrote from earlier tasks: as untrusted as the tasks they came from. */
export function taintFromLessons(ctx: TaskContext, lessons: Array<{ task_id: string | null }>): void {
  if (ctx.state.tainted || !lessons.length) return;
  const taskTainted = taintOfTasks(ctx);
  if (lessons.some((l) => !l.task_id || taskTainted(l.task_id))) ctx.state.tainted = true;
}

/** Whether an earlier task was tainted, from its saved state; a task no longer known is of unknown origin: untrusted. */
function taintOfTasks(ctx: TaskContext): (taskId: string) => boolean {
  const known = new Map<string, boolean>();
  return (taskId) => {
    if (taskId === ctx.taskId) return false;
    let tainted = known.get(taskId);
    if (tainted === undefined) {
      const row = ctx.deps.store.tasks.get(taskId);
      tainted = !row || parsedTaint(row.state);
      known.set(taskId, tainted);
    }
    return tainted;
  };
}

function parsedTaint(state: string): boolean {
  try {
    return (JSON.parse(state) as { tainted?: unknown }).tainted === true;
  } catch {
    return true;
  }
}

/** The one place that decides whether an action runs: the tool's own decision, then the user's rules. */
export async function resolveApproval(ctx: TaskContext, tool: AnyTool, input: unknown, toolCtx: ToolContext): Promise<Resolution> {
  const decision = await tool.approval(input, toolCtx);
  const guarded = (type: ActionType) => ctx.state.tainted && GUARDED_AFTER_UNTRUSTED_INPUT.has(type);
  // Refused is refused: no person and no rule can make it run.
  if (decision.kind === 'refuse') return { kind: 'refuse', reason: decision.reason };
  if (decision.kind === 'allow') {
    const actionType = tool.auditSubject?.(input, toolCtx).actionType;
    if (actionType && guarded(actionType)) {
      const alwaysOffered = Boolean(await tool.ruleTarget?.(input, toolCtx));
      return { kind: 'ask', decision: { kind: 'ask', reason: TAINT_NOTE, riskLevel: 'medium', actionType, needsPassword: false, alwaysOffered } };
    }
    return { kind: 'allow', approvedBy: 'automatic' };
  }
  // sudo always asks, and always for the password: no rule covers it.
  if (decision.needsPassword) return { kind: 'ask', decision: { ...decision, alwaysOffered: false } };
  const target = await tool.ruleTarget?.(input, toolCtx);
  // Whether "always allow" is offered is the tool's own rule target, said to clients as a field.
  const asked = { ...decision, alwaysOffered: Boolean(target) };
  const rule = target ? ctx.deps.store.rules.match(ctx.state.workspace, tool.name, target) : undefined;
  if (!rule) return { kind: 'ask', decision: asked };
  if (guarded(decision.actionType)) return { kind: 'ask', decision: { ...asked, reason: `${decision.reason} ${TAINT_NOTE}` } };
  return { kind: 'allow', approvedBy: 'rule', rule };
}
