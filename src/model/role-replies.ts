import { z } from 'zod';
import { ModelBehaviorError } from '../errors.js';
import { MEMORY_SCOPES, MEMORY_TYPES } from '../store/memory-repo.js';
import { RISK_LEVELS } from '../tools/risk.js';
import type { ResponseFormat } from './model-client.js';

const plannedActionSchema = z.object({
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()).default({}),
  reason: z.string().default(''),
});

/**
 * What the `action` role answers: `{"answer_now": true}` when no tool is needed, or the tool calls
 * to make (`final`: their results will be enough to answer, so the planner is not asked again).
 * The seed's shape `{kind, intent, risk_level, actions}` is read too.
 */
export const actionDirectiveSchema = z
  .object({
    answer_now: z.boolean().optional(),
    kind: z.literal('action_directive').default('action_directive'),
    intent: z.string().default(''),
    risk_level: z.enum(RISK_LEVELS).default('low'),
    actions: z.array(plannedActionSchema).default([]),
    final: z.boolean().default(false),
  })
  .transform(({ answer_now, ...directive }) => (answer_now === true ? { ...directive, actions: [] } : directive));
export type ActionDirective = z.infer<typeof actionDirectiveSchema>;

/**
 * What the `recall` role answers about the numbered candidate memories: whether the message needs
 * a tool (`answer_now` or `use_tools`, first) and which memories matter. The older shape
 * `{relevant_ids, sufficient_to_answer}` is read too: memories that suffice need no tool.
 */
export const recallVerdictSchema = z
  .object({
    answer_now: z.boolean().optional(),
    use_tools: z.boolean().optional(),
    relevant_ids: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
    sufficient_to_answer: z.boolean().optional(),
    reasoning: z.string().default(''),
  })
  .transform((v) => ({
    needsTools: v.use_tools === true ? true : v.answer_now === true ? false : !v.sufficient_to_answer,
    relevantIds: v.relevant_ids,
  }));

export const MEMORY_ACTIONS = ['add', 'update', 'supersede', 'none'] as const;

/**
 * What the `memory_policy` role decides about a finished exchange. `action` and `target_id` are
 * optional so a plain `{should_store, summary, ...}` still works: `target_id` is the number of one
 * of the existing memories shown to it (update it in place, or mark it superseded by the summary).
 */
export const memoryDecisionSchema = z.object({
  should_store: z.boolean(),
  action: z
    .enum(MEMORY_ACTIONS)
    .nullish()
    .transform((v) => v ?? undefined),
  target_id: z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => (v === null || v === undefined ? undefined : String(v))),
  memory_type: z.enum(MEMORY_TYPES).default('note'),
  summary: z.string().default(''),
  /** Whom the memory is about: "user", or as the user calls them ("user's sister Olga"). */
  subject: z
    .string()
    .max(200)
    .nullish()
    .transform((v) => v?.trim() || undefined),
  importance: z.number().min(0).max(1).default(0.5),
  scope: z.enum(MEMORY_SCOPES).default('workspace'),
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** Asked with a conversation's first exchange only: a short name for the conversation. */
  title: z
    .string()
    .max(200)
    .nullish()
    .transform((v) => v?.trim() || undefined),
});
export type MemoryDecision = z.infer<typeof memoryDecisionSchema>;

export function responseFormat(name: string, schema: z.ZodType): ResponseFormat {
  return { name, schema: z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown> };
}

/**
 * The schemas sent as `response_format`, stricter than what is read back: every key required and
 * in the order the model should write it, the deciding key first (a local server's grammar
 * follows the order), nothing the runtime does not use (each key costs generated tokens).
 */
const answerNow = z.object({ answer_now: z.literal(true) }).strict();

export function actionFormat(toolNames: readonly string[]): ResponseFormat {
  const tool = toolNames.length ? z.enum(toolNames as [string, ...string[]]) : z.string().min(1);
  const action = z.object({ tool, args: z.record(z.string(), z.unknown()), reason: z.string() }).strict();
  const plan = z.object({ actions: z.array(action).min(1), risk_level: z.enum(RISK_LEVELS), final: z.boolean() }).strict();
  return responseFormat('action_directive', z.union([answerNow, plan]));
}

const recallWire = z.union([
  z.object({ answer_now: z.literal(true), relevant_ids: z.array(z.string()) }).strict(),
  z.object({ use_tools: z.literal(true), relevant_ids: z.array(z.string()) }).strict(),
]);

export const ROLE_FORMATS = {
  action: actionFormat([]),
  recall: responseFormat('recall_verdict', recallWire),
  memory_policy: responseFormat('memory_decision', memoryDecisionSchema.omit({ title: true })),
};

/**
 * The memory policy's format for a conversation's first exchange: the same decision, with room
 * for a title. The title is asked for, not forced: a grammar that requires it also makes a model
 * that has lost its way go on writing (llama-server then answers 500 for the cut reply), and the
 * memory decision matters more than a name. The length bound keeps a title a few tokens long.
 */
export const FIRST_EXCHANGE_FORMAT = responseFormat('memory_decision', memoryDecisionSchema.extend({ title: z.string().min(1).max(80).optional() }));

/** The first keys a deciding role may start with, and the route each means. */
export const ROUTE_KEYS = {
  action: { answer_now: 'answer', actions: 'tools' },
  recall: { answer_now: 'answer', use_tools: 'tools' },
} as const;
export type Route = 'answer' | 'tools';

/**
 * Reads a role's JSON reply. Local models wrap JSON in prose or code fences even when asked not
 * to, so the outermost object is taken before validating.
 */
export function parseJsonReply<T>(schema: z.ZodType<T>, raw: string): T {
  const start = raw.indexOf('{');
  const end = raw.lastIndexOf('}');
  if (start < 0 || end <= start) throw new ModelBehaviorError('The model did not answer with a JSON object.', raw);
  let value: unknown;
  try {
    value = JSON.parse(raw.slice(start, end + 1));
  } catch {
    throw new ModelBehaviorError('The model answered with malformed JSON.', raw);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ModelBehaviorError(`The model's JSON does not fit: ${issue?.path.join('.') || 'reply'}: ${issue?.message}`, raw);
  }
  return result.data;
}
