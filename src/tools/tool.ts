import type { z } from 'zod';
import type { CommandRunner } from './shell/command-runner.js';
import type { RuleTarget } from '../store/rules-repo.js';
import type { ActionType, RiskLevel } from './risk.js';

/** What a tool needs from the task it runs in; no task state beyond this. */
export interface ToolContext {
  workspace: string;
  signal: AbortSignal;
  runner: CommandRunner;
  /** The planner's own rating of the directive this action came from. */
  plannerRisk: RiskLevel;
  limits: { commandTimeoutMs: number; maxOutputBytes: number };
  /** ducklm's own data (data folder, database and its side files, token file): never touched unasked. */
  protectedPaths?: readonly string[];
}

export interface ExecuteContext extends ToolContext {
  /** The sudo password, for the one execution a person typed it for. Never stored. */
  password?: string;
  /** The diff a person approved for a file write or edit: a change whose diff differs now is not applied. */
  approvedDiff?: string;
}

export type ApprovalDecision =
  | { kind: 'allow' }
  | {
      kind: 'ask';
      reason: string;
      riskLevel: RiskLevel;
      actionType: ActionType;
      needsPassword: boolean;
      diff?: string;
      /** Set by the approval resolver: whether "always allow" can make a rule for this request. */
      alwaysOffered?: boolean;
    }
  /** Never runs, not even with approval (ducklm's own data, a change that cannot apply): the planner hears why. */
  | { kind: 'refuse'; reason: string };

/** What the command audit records of a shell command, run or refused. */
export interface AuditSubject {
  command: string;
  riskLevel: RiskLevel;
  actionType: ActionType;
  sudo: boolean;
}

export interface ToolResult {
  ok: boolean;
  output: string;
  truncated: boolean;
  /** Set by command tools: how the command ended, for the audit. */
  /** sudo refused the password: the task may ask for it again. */
  authFailed?: boolean;
  command?: { exitCode: number | null; durationMs: number; outcome: 'ran' | 'failed_to_start' | 'timed_out' | 'cancelled' };
  /** Set by file writes and edits that were applied: what the runtime records so that a person can undo it. */
  fileChange?: FileChange;
}

/** An applied file write or edit, with what an exact undo needs. */
export interface FileChange {
  /** The file's real path. */
  path: string;
  /** The real path of the workspace it was judged against. */
  workspace: string;
  /** The bytes it replaced; null when it created the file. */
  before: Buffer | null;
  afterSha256: string;
  /** The size it left the file at. */
  bytes: number;
  diff: string;
  created: boolean;
}

export interface Tool<Input = unknown> {
  name: string;
  description: string;
  /** Shown to the planner: the argument names and what they mean. */
  argsHint: string;
  inputSchema: z.ZodType<Input>;
  approval(input: Input, ctx: ToolContext): Promise<ApprovalDecision>;
  execute(input: Input, ctx: ExecuteContext): Promise<ToolResult>;
  /** What an "always allow" rule for this input would cover; tools without it cannot have rules. */
  ruleTarget?(input: Input, ctx: ToolContext): Promise<RuleTarget | null>;
  /**
   * Command and file-writing tools say what the audit should record (with `result` once the call
   * ran, e.g. that a write created its file); other tools leave no audit entry.
   */
  auditSubject?(input: Input, ctx: ToolContext, result?: ToolResult): AuditSubject;
}

/** Keeps each tool's input type while the registry holds them side by side. */
export function defineTool<Input>(tool: Tool<Input>): Tool<Input> {
  return tool;
}

export type AnyTool = Tool<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the registry is heterogeneous; each call site parses with the tool's own schema first
