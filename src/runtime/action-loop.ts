import type { ActionDirective } from '../model/role-replies.js';
import type { Step } from './steps.js';
import type { TaskContext } from './task-context.js';
import type { PlannedAction } from './task-state.js';
import { runPlannedAction } from './tool-execution.js';

/**
 * The `act` phase: runs the first action of a directive (through the approval policy), then
 * the rest, one step each. After the last: the answer when the planner said its calls were the
 * last (`final`) or the step limit is reached, else the planner again, with the results.
 */
export async function actPhase(ctx: TaskContext, step: Extract<Step, { kind: 'act' }>): Promise<Step> {
  const [action, ...rest] = step.actions;
  if (action) {
    const outcome = await runPlannedAction(ctx, action, step.risk);
    if (outcome.kind === 'ask') return { kind: 'await_approval', action, decision: outcome.decision, risk: step.risk, remaining: rest };
  }
  if (rest.length) return { ...step, actions: rest };
  if (step.final) return { kind: 'answer' };
  if (ctx.state.steps >= ctx.deps.limits.maxActionSteps) {
    ctx.emitter.emit({ type: 'action_step_limit', steps: ctx.state.steps });
    return { kind: 'answer' };
  }
  return { kind: 'plan', first: false };
}

/** The steps of a directive: its (bounded) actions. A directive cut short was not the last word. */
export function stepsFor(ctx: TaskContext, directive: ActionDirective): Step {
  const actions = boundedActions(ctx, directive.actions);
  return { kind: 'act', actions, risk: directive.risk_level, final: directive.final && actions.length === directive.actions.length };
}

/**
 * At most this many actions run from one directive. A steered planner once put 400 commands in
 * one reply; each may be harmless alone, but no person asked for that many unseen. The step limit
 * (maxActionSteps) bounds the directives, so a task runs at most steps × this many actions.
 */
export const MAX_ACTIONS_PER_DIRECTIVE = 8;

/** The first MAX_ACTIONS_PER_DIRECTIVE actions; the planner is told, in an observation, which did not run. */
export function boundedActions(ctx: TaskContext, actions: PlannedAction[]): PlannedAction[] {
  if (actions.length <= MAX_ACTIONS_PER_DIRECTIVE) return actions;
  const skipped = actions.length - MAX_ACTIONS_PER_DIRECTIVE;
  ctx.state.observations.push({
    tool: 'directive',
    args: { actions: actions.length },
    ok: false,
    output: `The directive asked for ${actions.length} actions; at most ${MAX_ACTIONS_PER_DIRECTIVE} run per directive, so only the first ${MAX_ACTIONS_PER_DIRECTIVE} were considered and the other ${skipped} did not run. Ask again for what is still needed, if it is.`,
    truncated: false,
  });
  return actions.slice(0, MAX_ACTIONS_PER_DIRECTIVE);
}
