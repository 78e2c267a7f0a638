import { z } from 'zod';
import { RISK_LEVELS } from '../tools/risk.js';
import { attachmentSchema } from './attachment.js';

export const plannedActionSchema = z.object({
  tool: z.string(),
  args: z.record(z.string(), z.unknown()).default({}),
  reason: z.string().default(''),
});
export type PlannedAction = z.infer<typeof plannedActionSchema>;

export const observationSchema = z.object({
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  ok: z.boolean(),
  output: z.string(),
  truncated: z.boolean().default(false),
});
export type Observation = z.infer<typeof observationSchema>;

export const modelCallStatSchema = z.object({
  role: z.string(),
  latencyMs: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  /** Streaming calls: time from request to first delta. */
  firstTokenMs: z.number().nullable(),
  /** The server's own measure of generation speed, when it reports one. */
  tokensPerSecond: z.number().optional(),
  /** Prompt tokens the server served from its prompt cache, when it says. */
  cachedPromptTokens: z.number().optional(),
  /** How long the server took to read the prompt (the part not cached), when it says. */
  promptMs: z.number().optional(),
});
export type ModelCallStat = z.infer<typeof modelCallStatSchema>;

/**
 * Everything needed to resume a task after a pause, saved with the task. Versioned so a newer
 * ducklm can refuse (or migrate) state it does not understand.
 */
export const taskStateSchema = z.object({
  version: z.literal(1),
  message: z.string(),
  /** Text attached to the message (piped standard input): untrusted, see attachment.ts. */
  attachment: attachmentSchema.nullable().default(null),
  /** Retry or edit: the task whose exchange, with every later one, this task replaced. */
  replaces: z.string().nullable().default(null),
  workspace: z.string(),
  conversationId: z.string(),
  reasoning: z.enum(['on', 'off']).nullable(),
  debug: z.boolean(),
  skill: z.object({ name: z.string(), instructions: z.string() }).nullable(),
  /** The memories this message matched, numbered in that order for the recall judge. */
  memories: z.array(z.object({ id: z.string(), text: z.string() })),
  /** The user's most important memories, the same for every turn of a view: part of the cached system text. */
  pinnedMemories: z.array(z.object({ id: z.string(), text: z.string() })).default([]),
  /** Lessons of similar past tasks, given to every planner step of this task. */
  lessons: z.array(z.object({ id: z.string(), lesson: z.string() })).default([]),
  observations: z.array(observationSchema),
  steps: z.number().int(),
  /** Set once any tool output entered the conversation; see approval-resolver.ts. */
  tainted: z.boolean().default(false),
  /** Wrong sudo passwords typed for the pending approval. */
  passwordAttempts: z.number().int().default(0),
  pending: z
    .object({
      approvalId: z.string(),
      action: plannedActionSchema,
      plannerRisk: z.enum(RISK_LEVELS),
      remaining: z.array(plannedActionSchema),
    })
    .nullable(),
  calls: z.array(modelCallStatSchema),
  /** Tool servers (MCP) that could not be offered to this task, and why: the planner is told. */
  toolTrouble: z.array(z.object({ server: z.string(), message: z.string() })).default([]),
});
export type TaskState = z.infer<typeof taskStateSchema>;
