import type { ActionDirective } from '../model/role-replies.js';
import { plan } from './route.js';
import type { TaskContext } from './task-context.js';
import type { PlannedAction } from './task-state.js';
import { runPlannedActions, type StepOutcome } from './tool-execution.js';

/**
 * Runs the planner's tool calls, feeding results back, until it asks for none, says its calls
 * were the last (`final`), its reply is unusable, or the step limit is reached. `first` is the
 * directive that decided the route. 'paused' means a person must decide.
 */
export async function actionLoop(ctx: TaskContext, first: ActionDirective | null): Promise<StepOutcome> {
  const { maxActionSteps } = ctx.deps.limits;
  let directive = first ?? (await plan(ctx));
  for (;;) {
    if (!directive || directive.actions.length === 0) return 'continue';
    const actions = boundedActions(ctx, directive.actions);
    if ((await runPlannedActions(ctx, actions, directive.risk_level)) === 'paused') return 'paused';
    // A directive cut short was not the last word: the planner sees what did not run and decides again.
    if (directive.final && actions.length === directive.actions.length) return 'continue';
    if (ctx.state.steps >= maxActionSteps) break;
    directive = await plan(ctx);
  }
  ctx.emitter.emit({ type: 'action_step_limit', steps: ctx.state.steps });
  return 'continue';
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
