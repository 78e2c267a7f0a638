import { ModelBehaviorError } from '../errors.js';
import { findLessons } from '../memory/lessons.js';
import { actionDirectiveSchema, actionFormat, recallVerdictSchema, ROUTE_KEYS, type ActionDirective, type Route } from '../model/role-replies.js';
import { taintFromLessons } from './approval-resolver.js';
import { stepsFor } from './action-loop.js';
import { plannerMessages, recallMessages } from './prompts.js';
import type { Step } from './steps.js';
import { readDecision } from './structured-call.js';
import type { SpeculativeAnswer } from './speculative-answer.js';
import { turnHistory, type TaskContext } from './task-context.js';

/** Who decided the turn's route, and the planner's first directive when it was the planner. */
export interface RouteDecision {
  route: Route;
  by: 'action' | 'recall';
  /** The planner's directive, when the planner decided and asked for tools. */
  directive: ActionDirective | null;
  reason: string;
}

/**
 * The `recall` phase. Whether this turn needs a tool is the model's decision, for every message
 * in any language. With memories in view the recall judge makes it (it sees them numbered, and a
 * question they answer needs no planner at all); without, the planner does (`plan`, first step),
 * and its answer is already the plan. Either reply is read only until its first key settles the
 * route. The answer has already started beside the decision (`early`).
 */
export async function recallPhase(ctx: TaskContext, step: Extract<Step, { kind: 'recall' }>): Promise<Step> {
  const decision = await discardOnFailure(step.early, () => askRecallJudge(ctx));
  if (decision.route === 'answer') return answerNow(ctx, decision, step.early);
  // The judge only says a tool is needed; which one is the planner's call, and it may disagree.
  if (decision.by === 'recall') return { kind: 'plan', first: true, early: step.early };
  return toolsNow(ctx, decision, step.early);
}

/** The `plan` phase: one planner step; the first one of a turn may decide that no tool is needed. */
export async function planPhase(ctx: TaskContext, step: Extract<Step, { kind: 'plan' }>): Promise<Step> {
  if (!step.first) {
    const directive = await plan(ctx);
    return directive?.actions.length ? stepsFor(ctx, directive) : { kind: 'answer' };
  }
  const decision = await discardOnFailure(step.early, () => askPlanner(ctx));
  if (decision.route === 'answer') return answerNow(ctx, decision, step.early);
  return toolsNow(ctx, decision, step.early);
}

async function toolsNow(ctx: TaskContext, decision: RouteDecision, early: SpeculativeAnswer | undefined): Promise<Step> {
  if (early && (await early.discard())) ctx.emitter.emit({ type: 'speculative_answer_discarded' });
  return decision.directive ? stepsFor(ctx, decision.directive) : { kind: 'answer' };
}

function answerNow(ctx: TaskContext, decision: RouteDecision, early: SpeculativeAnswer | undefined): Step {
  ctx.emitter.emit({ type: 'action_loop_skipped', reason: decision.reason, decided_by: decision.by });
  return early ? { kind: 'answer', source: early.release() } : { kind: 'answer' };
}

async function discardOnFailure<T>(early: SpeculativeAnswer | undefined, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    await early?.discard();
    throw error;
  }
}

async function askRecallJudge(ctx: TaskContext): Promise<RouteDecision> {
  const { memories } = ctx.state;
  try {
    const { route, value } = await readDecision(ctx, 'recall', recallMessages(ctx.state, turnHistory(ctx), ctx.deps.tools), recallVerdictSchema, ROUTE_KEYS.recall, ['answer', 'tools'], (v) =>
      v.needsTools ? 'tools' : 'answer',
    );
    // Ids are positions in the list we sent; anything else the judge invents is ignored.
    const relevant = [...new Set(value?.relevantIds ?? [])].flatMap((id) => (/^\d+$/.test(id) && memories[Number(id)] ? [memories[Number(id)]!.id] : []));
    ctx.emitter.emit({ type: 'recall_completed', candidates: memories.length, relevant_memory_ids: relevant, sufficient_to_answer: route === 'answer', needs_tools: route === 'tools' });
    const reason = route === 'answer' ? 'The recall judge found that the message needs no tool.' : 'The recall judge found that the message needs a tool.';
    return { route, by: 'recall', directive: null, reason };
  } catch (error) {
    if (!(error instanceof ModelBehaviorError)) throw error;
    ctx.emitter.emit({ type: 'recall_failed', message: error.message });
    // Without a verdict, look before answering: the planner decides.
    return askPlanner(ctx);
  }
}

/** The planner decides, and plans. Lessons of similar past tasks go with it. */
async function askPlanner(ctx: TaskContext): Promise<RouteDecision> {
  applyLessons(ctx);
  const directive = await plan(ctx, ['answer']);
  const route: Route = directive && directive.actions.length ? 'tools' : 'answer';
  const reason = directive ? (route === 'answer' ? 'The planner found that the message needs no tool.' : 'The planner asked for tools.') : 'The planner gave no usable directive.';
  return { route, by: 'action', directive: route === 'tools' ? directive : null, reason };
}

/**
 * One planner step. Null when its reply stopped at `{"answer_now"` (a route in `stopOn`) or was
 * unusable: an unusable directive is no reason to fail the user, who gets an answer from what
 * there is.
 */
async function plan(ctx: TaskContext, stopOn: readonly Route[] = []): Promise<ActionDirective | null> {
  const step = ++ctx.state.steps;
  try {
    const format = actionFormat([...ctx.deps.tools.keys()]);
    const { value } = await readDecision(
      ctx,
      'action',
      plannerMessages(ctx.state, turnHistory(ctx), ctx.deps.tools),
      actionDirectiveSchema,
      ROUTE_KEYS.action,
      stopOn,
      (d) => (d.actions.length ? 'tools' : 'answer'),
      { temperature: 0, format },
    );
    if (value) ctx.emitter.emit({ type: 'action_directive', step, intent: value.intent, risk_level: value.risk_level, actions: value.actions });
    return value;
  } catch (error) {
    if (!(error instanceof ModelBehaviorError)) throw error;
    ctx.emitter.emit({ type: 'directive_invalid', step, message: error.message, raw: error.raw.slice(0, 2000) });
    return null;
  }
}

/** Lessons of this workspace's past tasks that resemble this one go to the planner. */
function applyLessons(ctx: TaskContext): void {
  if (ctx.state.lessons.length) return;
  const lessons = findLessons(ctx.deps.store.experience, ctx.state.workspace, ctx.state.message);
  if (!lessons.length) return;
  ctx.state.lessons = lessons.map((l) => ({ id: l.id, lesson: l.lesson }));
  taintFromLessons(ctx, lessons);
  ctx.emitter.emit({ type: 'experience_applied', experience_ids: lessons.map((l) => l.id), lessons: lessons.map((l) => l.lesson) });
}
