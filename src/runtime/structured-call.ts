import type { z } from 'zod';
import { ModelBehaviorError } from '../errors.js';
import type { ChatMessage, ChatOptions, ModelResponse, ResponseFormat } from '../model/model-client.js';
import { parseJsonReply, ROLE_FORMATS, type Route } from '../model/role-replies.js';
import { decidedByFirstKey } from './first-key.js';
import { callRole } from './model-calls.js';
import type { TaskContext } from './task-context.js';

type StructuredRole = keyof typeof ROLE_FORMATS;

/**
 * Each structured reply's token bound: room for its JSON and no more, so a model that rambles is
 * cut (and says so) instead of running to the end of its context.
 */
const REPLY_TOKENS: Record<StructuredRole, number> = { action: 768, recall: 96, memory_policy: 320 };

export interface StructuredOptions {
  temperature?: number;
  /** The schema sent to the server, when it differs from the role's default (the planner's names the tools). */
  format?: ResponseFormat;
}

/** A structured reply that ended at its token bound or the context's end: incomplete, not malformed. */
export class ReplyCutError extends ModelBehaviorError {}

/**
 * Asks a structured role for JSON (its schema as `response_format`, thinking off: a structured
 * reply is never worth a reasoning preamble) and validates it. A reply that does not fit gets one
 * repair call that shows the model its reply and what was wrong; a second failure is the caller's
 * to handle as a model-behaviour error.
 */
export async function callStructured<T>(ctx: TaskContext, role: StructuredRole, messages: ChatMessage[], schema: z.ZodType<T>, options: StructuredOptions = {}): Promise<T> {
  return parseOrRepair(ctx, role, messages, schema, options, await ask(ctx, role, messages, options, { mayShrink: true }));
}

export interface Decision<T> {
  route: Route;
  /** The whole reply, parsed; null when reading stopped at the deciding key. */
  value: T | null;
}

/**
 * Like `callStructured`, for a role whose reply starts with the turn's route (see first-key.ts):
 * the reply is read only until its first key settles a route in `stopOn`, then the request ends.
 * Any other reply is read whole and `routeOf` its parsed value decides.
 */
export async function readDecision<T>(
  ctx: TaskContext,
  role: 'action' | 'recall',
  messages: ChatMessage[],
  schema: z.ZodType<T>,
  keys: Readonly<Record<string, Route>>,
  stopOn: readonly Route[],
  routeOf: (value: T) => Route,
  options: StructuredOptions = {},
): Promise<Decision<T>> {
  let decided: Route | null = null;
  const stopWhen = (content: string, reply: { constrained: boolean }) => {
    decided = decidedByFirstKey(content, keys, reply.constrained);
    return decided !== null && stopOn.includes(decided);
  };
  const reply = await ask(ctx, role, messages, options, { stopWhen, mayShrink: true });
  if (reply.finishReason === 'stopped' && decided) return { route: decided, value: null };
  const value = await parseOrRepair(ctx, role, messages, schema, options, reply);
  return { route: routeOf(value), value };
}

interface AskOptions {
  stopWhen?: ChatOptions['stopWhen'];
  /** A first request may go again without the history when the context cut it short (not a repair). */
  mayShrink?: boolean;
}

async function ask(ctx: TaskContext, role: StructuredRole, messages: ChatMessage[], options: StructuredOptions, { stopWhen, mayShrink = false }: AskOptions = {}): Promise<ModelResponse> {
  const reply = await callRole(ctx, role, messages, {
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    responseFormat: options.format ?? ROLE_FORMATS[role],
    maxOutputTokens: REPLY_TOKENS[role],
    reasoning: 'off',
    ...(stopWhen ? { stopWhen } : {}),
  });
  const cut = reply.finishReason === 'length';
  // A reply cut well before its own bound ran out of context: without the history it may fit.
  if (cut && mayShrink && messages.length > 2 && (reply.usage.completionTokens ?? 0) < REPLY_TOKENS[role] / 2) {
    return ask(ctx, role, [messages[0]!, messages.at(-1)!], options, stopWhen ? { stopWhen } : {});
  }
  if (cut) {
    ctx.emitter.emit({ type: 'reply_cut', role });
    throw new ReplyCutError(`The model's ${role} reply was cut off at its length limit before the JSON was complete.`, reply.content);
  }
  return reply;
}

async function parseOrRepair<T>(ctx: TaskContext, role: StructuredRole, messages: ChatMessage[], schema: z.ZodType<T>, options: StructuredOptions, reply: ModelResponse): Promise<T> {
  try {
    return parseJsonReply(schema, reply.content);
  } catch (error) {
    if (!(error instanceof ModelBehaviorError)) throw error;
    const repair: ChatMessage[] = [
      ...messages,
      { role: 'assistant', content: reply.content },
      { role: 'user', content: `${error.message} Reply again with only the JSON object, nothing else.` },
    ];
    return parseJsonReply(schema, (await ask(ctx, role, repair, options)).content);
  }
}
