import type { Stage } from '../events/task-event.js';
import type { StreamChunk } from '../model/model-client.js';
import type { Approval } from '../store/approvals-repo.js';
import type { ApprovalDecision } from '../tools/tool.js';
import type { RiskLevel } from '../tools/risk.js';
import type { SpeculativeAnswer } from './speculative-answer.js';
import type { PlannedAction } from './task-state.js';

/**
 * What a task does next. Every phase returns one, and one driver (driver.ts) switches on it, so
 * starting, continuing and a password all run through the same machine and no phase calls another.
 */
export type Step =
  /** A new message: find its skill and memories, then route. */
  | { kind: 'prepare' }
  /** The recall judge decides the route (memories are in view). */
  | { kind: 'recall'; early: SpeculativeAnswer }
  /** The planner decides what to do; `first`: its first word may be the route (answer now). */
  | { kind: 'plan'; first: boolean; early?: SpeculativeAnswer }
  /** Run the first of these actions, then the rest; `final`: answer after them without planning again. */
  | { kind: 'act'; actions: PlannedAction[]; risk: RiskLevel; final: boolean }
  /** A person decided on the approval the task waited on. */
  | { kind: 'resume'; approval: Approval }
  /** Run the approved action (with the sudo password, when it needs one). */
  | { kind: 'run_approved'; approval: Approval; password?: string }
  /** Stop and ask a person; the task is saved and its stream ends. */
  | { kind: 'await_approval'; action: PlannedAction; decision: Extract<ApprovalDecision, { kind: 'ask' }>; risk: RiskLevel; remaining: PlannedAction[] }
  | { kind: 'await_password'; approvalId: string; action: PlannedAction }
  /** Stream the answer (`source`: one that already started beside the route decision). */
  | { kind: 'answer'; source?: AsyncIterable<StreamChunk> }
  /** The run is over: completed, or paused for a person. */
  | { kind: 'done' };

export type StepKind = Step['kind'];

/** What the user is told the task is doing during a step; null keeps the stage shown. */
export function stageOf(step: Step): { stage: Stage; detail?: string } | null {
  switch (step.kind) {
    case 'prepare':
    case 'plan':
      return { stage: 'planning' };
    case 'recall':
      return { stage: 'recalling' };
    case 'act':
      return step.actions[0] ? { stage: 'running_tool', detail: step.actions[0].tool } : null;
    case 'run_approved':
      return { stage: 'running_tool', detail: step.approval.tool };
    case 'await_approval':
      return { stage: 'waiting_for_approval', detail: step.action.tool };
    case 'await_password':
      return { stage: 'waiting_for_password', detail: step.action.tool };
    case 'answer':
      return { stage: 'answering' };
    case 'resume':
    case 'done':
      return null;
  }
}
