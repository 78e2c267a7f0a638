import { ModelBehaviorError } from '../errors.js';
import { actionDirectiveSchema, type ActionDirective } from '../model/role-replies.js';
import { callStructured } from './structured-call.js';
import { plannerMessages } from './prompts.js';
import { turnHistory, type TaskContext } from './task-context.js';
import { runPlannedActions, type StepOutcome } from './tool-execution.js';

/**
 * Asks the planner for tool calls and runs them, feeding results back, until it asks for none,
 * its reply is unusable, or the step limit is reached. 'paused' means a person must decide.
 */
export async function actionLoop(ctx: TaskContext): Promise<StepOutcome> {
  const { maxActionSteps } = ctx.deps.limits;
  while (ctx.state.steps < maxActionSteps) {
    ctx.state.steps++;
    const directive = await plan(ctx);
    if (!directive || directive.actions.length === 0) return 'continue';
    if ((await runPlannedActions(ctx, directive.actions, directive.risk_level)) === 'paused') return 'paused';
  }
  ctx.emitter.emit({ type: 'action_step_limit', steps: ctx.state.steps });
  return 'continue';
}

async function plan(ctx: TaskContext): Promise<ActionDirective | null> {
  const step = ctx.state.steps;
  try {
    const directive = await callStructured(ctx, 'action', plannerMessages(ctx.state, turnHistory(ctx), ctx.deps.tools), actionDirectiveSchema, { temperature: 0 });
    ctx.emitter.emit({ type: 'action_directive', step, intent: directive.intent, risk_level: directive.risk_level, actions: directive.actions });
    return directive;
  } catch (error) {
    if (!(error instanceof ModelBehaviorError)) throw error;
    // An unusable directive is no reason to fail the user: answer with what we have.
    ctx.emitter.emit({ type: 'directive_invalid', step, message: error.message, raw: error.raw.slice(0, 2000) });
    return null;
  }
}
