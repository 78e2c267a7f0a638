import { ModelBehaviorError } from '../errors.js';
import { actionDirectiveSchema, parseJsonReply, ROLE_FORMATS, type ActionDirective } from '../model/role-replies.js';
import { callRole } from './model-calls.js';
import { plannerMessages } from './prompts.js';
import type { TaskContext } from './task-context.js';
import { runPlannedActions, type StepOutcome } from './tool-execution.js';

/**
 * Asks the planner for tool calls and runs them, feeding results back, until it asks for none,
 * its reply is unusable, or the step limit is reached. 'paused' means a person must decide.
 */
export async function actionLoop(ctx: TaskContext): Promise<StepOutcome> {
  const { maxActionSteps, historyMessages } = ctx.deps.limits;
  const history = ctx.deps.store.conversations.history(ctx.state.conversationId, historyMessages + 1);
  while (ctx.state.steps < maxActionSteps) {
    ctx.state.steps++;
    const directive = await plan(ctx, history);
    if (!directive || directive.actions.length === 0) return 'continue';
    if ((await runPlannedActions(ctx, directive.actions, directive.risk_level)) === 'paused') return 'paused';
  }
  ctx.emitter.emit({ type: 'action_step_limit', steps: ctx.state.steps });
  return 'continue';
}

async function plan(ctx: TaskContext, history: Parameters<typeof plannerMessages>[1]): Promise<ActionDirective | null> {
  const step = ctx.state.steps;
  const reply = await callRole(ctx, 'action', plannerMessages(ctx.state, history, ctx.deps.tools), { responseFormat: ROLE_FORMATS.action, temperature: 0 });
  try {
    const directive = parseJsonReply(actionDirectiveSchema, reply.content);
    ctx.emitter.emit({ type: 'action_directive', step, intent: directive.intent, risk_level: directive.risk_level, actions: directive.actions });
    return directive;
  } catch (error) {
    if (!(error instanceof ModelBehaviorError)) throw error;
    // An unusable directive is no reason to fail the user: answer with what we have.
    ctx.emitter.emit({ type: 'directive_invalid', step, message: error.message, raw: error.raw.slice(0, 2000) });
    return null;
  }
}
