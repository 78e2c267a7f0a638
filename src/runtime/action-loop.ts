import type { ActionDirective } from '../model/role-replies.js';
import { plan } from './route.js';
import type { TaskContext } from './task-context.js';
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
    if ((await runPlannedActions(ctx, directive.actions, directive.risk_level)) === 'paused') return 'paused';
    if (directive.final) return 'continue';
    if (ctx.state.steps >= maxActionSteps) break;
    directive = await plan(ctx);
  }
  ctx.emitter.emit({ type: 'action_step_limit', steps: ctx.state.steps });
  return 'continue';
}
