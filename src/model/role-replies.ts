import { z } from 'zod';
import { ModelBehaviorError } from '../errors.js';
import { MEMORY_SCOPES, MEMORY_TYPES } from '../store/memory-repo.js';
import { RISK_LEVELS } from '../tools/risk.js';
import type { ResponseFormat } from './model-client.js';

/** What the `action` role answers: the next tool calls, or none when it is time to answer. */
export const actionDirectiveSchema = z.object({
  kind: z.literal('action_directive').default('action_directive'),
  intent: z.string().default(''),
  risk_level: z.enum(RISK_LEVELS).default('low'),
  actions: z
    .array(
      z.object({
        tool: z.string().min(1),
        args: z.record(z.string(), z.unknown()).default({}),
        reason: z.string().default(''),
      }),
    )
    .default([]),
});
export type ActionDirective = z.infer<typeof actionDirectiveSchema>;

/** What the `recall` judge answers about the numbered candidate memories. */
export const recallVerdictSchema = z.object({
  relevant_ids: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  sufficient_to_answer: z.boolean().default(false),
  reasoning: z.string().default(''),
});
export type RecallVerdict = z.infer<typeof recallVerdictSchema>;

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
  importance: z.number().min(0).max(1).default(0.5),
  scope: z.enum(MEMORY_SCOPES).default('workspace'),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type MemoryDecision = z.infer<typeof memoryDecisionSchema>;

export function responseFormat(name: string, schema: z.ZodType): ResponseFormat {
  return { name, schema: z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown> };
}

export const ROLE_FORMATS = {
  action: responseFormat('action_directive', actionDirectiveSchema),
  recall: responseFormat('recall_verdict', recallVerdictSchema),
  memory_policy: responseFormat('memory_decision', memoryDecisionSchema),
};

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
