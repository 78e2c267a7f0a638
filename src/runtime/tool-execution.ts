import { randomUUID } from 'node:crypto';
import type { TaskEvent } from '../events/task-event.js';
import type { AnyTool, ApprovalDecision, AuditSubject, FileChange, ToolContext, ToolResult } from '../tools/tool.js';
import { shellExecSafe } from '../tools/shell-exec-safe.js';
import { redactSecrets } from '../tools/redact.js';
import type { RiskLevel } from '../tools/risk.js';
import type { Rule } from '../store/rules-repo.js';
import { resolveApproval } from './approval-resolver.js';
import type { RuntimeDeps } from './runtime-deps.js';
import type { TaskContext } from './task-context.js';
import type { PlannedAction } from './task-state.js';

const SHELL_TOOL = shellExecSafe.name;

export type ApprovedBy = { by: 'person' } | { by: 'automatic' } | { by: 'rule'; rule: Rule };

export function toolContext(ctx: TaskContext, plannerRisk: RiskLevel): ToolContext {
  return toolContextFor(ctx.deps, ctx.state.workspace, ctx.signal, plannerRisk);
}

/** What a tool sees of a task, built from the runtime's parts (also outside a running task). */
export function toolContextFor(deps: RuntimeDeps, workspace: string, signal: AbortSignal, plannerRisk: RiskLevel): ToolContext {
  const { commandTimeoutMs, maxOutputBytes } = deps.limits;
  return { workspace, signal, runner: deps.runner, plannerRisk, limits: { commandTimeoutMs, maxOutputBytes }, protectedPaths: deps.protectedPaths ?? [] };
}

/** What came of one planned action: it ran (or failed or was refused, as an observation), or a person must decide. */
export type ActionOutcome = { kind: 'ran' } | { kind: 'ask'; decision: Extract<ApprovalDecision, { kind: 'ask' }> };

/** Runs one planned action unless the approval policy says a person must decide first. */
export async function runPlannedAction(ctx: TaskContext, action: PlannedAction, plannerRisk: RiskLevel): Promise<ActionOutcome> {
  ctx.signal.throwIfAborted();
  const resolved = resolveAction(ctx, action);
  if (!resolved) return { kind: 'ran' };
  const toolCtx = toolContext(ctx, plannerRisk);
  const resolution = await resolveApproval(ctx, resolved.tool, resolved.input, toolCtx);
  if (resolution.kind === 'ask') return { kind: 'ask', decision: resolution.decision };
  if (resolution.kind === 'refuse') {
    await recordRefusal(ctx, resolved.tool, resolved.input, action, toolCtx, resolution.reason);
    return { kind: 'ran' };
  }
  await executeTool(ctx, resolved.tool, resolved.input, action, toolCtx, resolution.approvedBy === 'rule' ? { by: 'rule', rule: resolution.rule } : { by: 'automatic' });
  return { kind: 'ran' };
}

/**
 * The tool and its parsed input, or null after recording why not: an unknown tool or bad
 * arguments become an observation the planner can correct, never a crash.
 */
export function resolveAction(ctx: TaskContext, action: PlannedAction): { tool: AnyTool; input: unknown } | null {
  const tool = ctx.deps.tools.get(action.tool);
  if (!tool) {
    const known = [...ctx.deps.tools.keys()].join(', ');
    recordFailure(ctx, action, `Unknown tool "${action.tool}". Available tools: ${known}.`);
    return null;
  }
  const parsed = tool.inputSchema.safeParse(action.args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    recordFailure(ctx, action, `Bad arguments for ${tool.name}: ${issue?.path.join('.') || 'args'}: ${issue?.message}. Expected ${tool.argsHint}.`);
    return null;
  }
  return { tool, input: parsed.data };
}

export async function executeTool(
  ctx: TaskContext,
  tool: AnyTool,
  input: unknown,
  action: PlannedAction,
  toolCtx: ToolContext,
  approvedBy: ApprovedBy,
  /** The sudo password typed for this call, and the diff a person approved for a file change. */
  approved: { password?: string; diff?: string } = {},
): Promise<ToolResult> {
  const { password } = approved;
  const callId = randomUUID();
  // A call no one was asked about because of a rule says which rule, so the person can see (and undo) it.
  const rule = approvedBy.by === 'rule' ? { rule_id: approvedBy.rule.id, tool: approvedBy.rule.tool, kind: approvedBy.rule.kind, pattern: approvedBy.rule.pattern, workspace: approvedBy.rule.workspace } : undefined;
  ctx.emitter.emit({ type: 'tool_call_started', call_id: callId, tool: tool.name, args: action.args, ...(rule ? { approved_by_rule: rule } : {}) });
  let result: ToolResult;
  try {
    result = await tool.execute(input, { ...toolCtx, ...(password !== undefined ? { password } : {}), ...(approved.diff !== undefined ? { approvedDiff: approved.diff } : {}) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // An error may quote what the tool was given; the typed password must not survive in it.
    result = { ok: false, output: `${tool.name} failed: ${password ? message.split(password).join('[REDACTED]') : message}`, truncated: false };
  }
  const { maxEventOutputChars, maxObservationChars } = ctx.deps.limits;
  ctx.emitter.emit({
    type: 'tool_call_finished',
    call_id: callId,
    tool: tool.name,
    ok: result.ok,
    output: result.output.slice(0, maxEventOutputChars),
    truncated: result.truncated || result.output.length > maxEventOutputChars,
  });
  if (result.ok && result.fileChange) recordFileChange(ctx, tool.name, callId, result.fileChange);
  // A password sudo refused is the person's typo, not a result: the model never sees the attempt
  // (the password phase asks again, or reports the command as failed once attempts run out).
  if (!result.authFailed) {
    ctx.state.observations.push({
      tool: tool.name,
      args: observedArgs(action.args),
      ok: result.ok,
      output: result.output.slice(0, maxObservationChars),
      truncated: result.truncated || result.output.length > maxObservationChars,
    });
    if (result.output) ctx.state.tainted = true;
  }
  if (tool.auditSubject) {
    await emitAudit(ctx, tool.auditSubject(input, toolCtx, result), tool, {
      approved_by: approvedBy.by,
      ...(approvedBy.by === 'rule' ? { rule_id: approvedBy.rule.id } : {}),
      outcome: result.command?.outcome ?? 'ran',
      exit_code: result.command?.exitCode ?? null,
      duration_ms: result.command ? Math.round(result.command.durationMs) : null,
    }, password);
  }
  return result;
}

/** A person said no: the model hears it, the user sees it, and a command leaves its audit entry. */
export async function recordDenial(ctx: TaskContext, tool: AnyTool | undefined, input: unknown, action: PlannedAction, approvalId: string, plannerRisk: RiskLevel): Promise<void> {
  ctx.emitter.emit({ type: 'tool_denied', approval_id: approvalId, tool: action.tool, args: action.args });
  ctx.state.observations.push({ tool: action.tool, args: observedArgs(action.args), ok: false, output: 'The user denied this action; it did not run.', truncated: false });
  if (tool?.auditSubject) {
    await emitAudit(ctx, tool.auditSubject(input, toolContext(ctx, plannerRisk)), tool, { approved_by: 'none', outcome: 'denied', exit_code: null, duration_ms: null });
  }
}

type AuditOutcome = Pick<Extract<TaskEvent, { type: 'command_audit' }>, 'approved_by' | 'rule_id' | 'outcome' | 'exit_code' | 'duration_ms'>;

async function emitAudit(ctx: TaskContext, subject: AuditSubject, tool: AnyTool, outcome: AuditOutcome, password?: string): Promise<void> {
  ctx.emitter.emit({
    type: 'command_audit',
    // A shell command's entry is the command; any other tool's says which tool acted.
    ...(tool.name === SHELL_TOOL ? {} : { tool: tool.name }),
    command: await redactSecrets(subject.command, password ? [password] : []),
    risk_level: subject.riskLevel,
    action_type: subject.actionType,
    approved: outcome.approved_by === 'person',
    sudo: subject.sudo,
    ...outcome,
  });
}

/**
 * The tool refused the action outright (ducklm's own data, a change that cannot apply): the
 * planner reads why, the user sees the call fail, and a tool with an audit subject records it as
 * denied. Nobody was asked.
 */
export async function recordRefusal(ctx: TaskContext, tool: AnyTool, input: unknown, action: PlannedAction, toolCtx: ToolContext, reason: string): Promise<void> {
  recordFailure(ctx, action, reason);
  if (tool.auditSubject) await emitAudit(ctx, tool.auditSubject(input, toolCtx), tool, { approved_by: 'none', outcome: 'denied', exit_code: null, duration_ms: null });
}

/** An applied change is kept (with the bytes it replaced) and announced in one transaction, so it can be undone. */
function recordFileChange(ctx: TaskContext, tool: string, callId: string, change: FileChange): void {
  ctx.emitter.transact((append) => {
    const changeId = ctx.deps.store.fileChanges.add({ task_id: ctx.taskId, call_id: callId, tool, workspace: change.workspace, path: change.path, before: change.before, after_sha256: change.afterSha256, diff: change.diff });
    append({ type: 'file_changed', call_id: callId, change_id: changeId, tool, path: change.path, created: change.created, diff: change.diff });
  });
}

/** A file's whole new text is in the directive already; replayed to the planner after each step, it would fill the context. */
const MAX_OBSERVED_ARG_CHARS = 1000;

function observedArgs(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).map(([key, value]) => [key, typeof value === 'string' && value.length > MAX_OBSERVED_ARG_CHARS ? `${value.slice(0, MAX_OBSERVED_ARG_CHARS)}… (${value.length} characters in all)` : value]),
  );
}

function recordFailure(ctx: TaskContext, action: PlannedAction, message: string): void {
  const callId = randomUUID();
  ctx.emitter.emit({ type: 'tool_call_started', call_id: callId, tool: action.tool, args: action.args });
  ctx.emitter.emit({ type: 'tool_call_finished', call_id: callId, tool: action.tool, ok: false, output: message, truncated: false });
  ctx.state.observations.push({ tool: action.tool, args: observedArgs(action.args), ok: false, output: message, truncated: false });
}
