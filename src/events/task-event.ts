import { z } from 'zod';
import { RULE_KINDS } from '../store/rules-repo.js';
import { ACTION_TYPES, RISK_LEVELS } from '../tools/risk.js';

const risk = z.enum(RISK_LEVELS);
const actionType = z.enum(ACTION_TYPES);
const args = z.record(z.string(), z.unknown());

/** What a task is doing, derived from its phase (see driver.ts); never set by hand. */
export const STAGES = ['planning', 'recalling', 'running_tool', 'answering', 'waiting_for_approval', 'waiting_for_password'] as const;
export type Stage = (typeof STAGES)[number];

export const generationStatsSchema = z.object({
  model_calls: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  time_to_first_token_ms: z.number().nullable(),
  total_ms: z.number(),
  min_tokens_per_second: z.number(),
  avg_tokens_per_second: z.number(),
  max_tokens_per_second: z.number(),
  /** Time the server spent reading prompts, over the calls where it said (llama.cpp `timings.prompt_ms`). */
  prompt_ms: z.number().optional(),
  /** Prompt tokens it read (cached ones left out) per second of that time. */
  prompt_tokens_per_second: z.number().optional(),
});
export type GenerationStats = z.infer<typeof generationStatsSchema>;

export const TASK_STATUSES = [
  'running',
  'waiting_for_approval',
  'waiting_for_password',
  'completed',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

const base = { task_id: z.string() };

/**
 * Every event a task can emit: the wire protocol of the SSE stream and the rows of the event log.
 * Payload = the object without `type`; `task_id` is always its first key.
 */
export const taskEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runtime_status'), ...base, stage: z.enum(STAGES), conversation_id: z.string().optional(), detail: z.string().optional() }),
  z.object({ type: z.literal('skill_activated'), ...base, skill: z.string(), source: z.string() }),
  // `needs_tools`: the judge's route; `relevant_memory_ids` is empty when reading stopped at the route.
  z.object({ type: z.literal('recall_completed'), ...base, candidates: z.number().int(), relevant_memory_ids: z.array(z.string()), sufficient_to_answer: z.boolean(), needs_tools: z.boolean().optional() }),
  z.object({ type: z.literal('recall_failed'), ...base, message: z.string() }),
  // The model decided that this turn needs no tool (`decided_by`: the role that said so).
  z.object({ type: z.literal('action_loop_skipped'), ...base, reason: z.string(), decided_by: z.enum(['action', 'recall']).optional() }),
  z.object({ type: z.literal('action_directive'), ...base, step: z.number().int(), intent: z.string(), risk_level: risk, actions: z.array(z.object({ tool: z.string(), args, reason: z.string() })) }),
  z.object({ type: z.literal('directive_invalid'), ...base, step: z.number().int(), message: z.string(), raw: z.string() }),
  z.object({ type: z.literal('action_step_limit'), ...base, steps: z.number().int() }),
  // `approved_by_rule`: it ran without asking because of this "always allow" rule of the person's.
  z.object({
    type: z.literal('tool_call_started'),
    ...base,
    call_id: z.string(),
    tool: z.string(),
    args,
    approved_by_rule: z.object({ rule_id: z.string(), tool: z.string(), kind: z.enum(RULE_KINDS), pattern: z.string(), workspace: z.string() }).optional(),
  }),
  z.object({ type: z.literal('tool_call_finished'), ...base, call_id: z.string(), tool: z.string(), ok: z.boolean(), output: z.string(), truncated: z.boolean() }),
  // `needs_password`: a sudo command, which asks for the password after approval and is never "always allowed".
  // `diff`: a file write or edit's unified diff of exactly what would change (absent for other tools).
  z.object({
    type: z.literal('tool_approval_requested'),
    ...base,
    approval_id: z.string(),
    tool: z.string(),
    args,
    reason: z.string(),
    risk_level: risk,
    action_type: actionType,
    needs_password: z.boolean().default(false),
    diff: z.string().optional(),
    // Whether "always allow" would make a rule here (absent in logs written before it was said).
    always_offered: z.boolean().optional(),
    status: z.literal('waiting_for_approval'),
  }),
  // A file write or edit was applied (after its tool_call_finished); `change_id` is what an undo names.
  z.object({ type: z.literal('file_changed'), ...base, call_id: z.string(), change_id: z.string(), tool: z.string(), path: z.string(), created: z.boolean(), diff: z.string() }),
  // A person undid an applied change (`via` names the client); appended to the log of the task that made it.
  z.object({ type: z.literal('file_change_undone'), ...base, change_id: z.string(), path: z.string(), via: z.string().optional() }),
  // Tools that could not be offered to this task: an MCP server that failed to start, or died.
  z.object({ type: z.literal('tool_server_unavailable'), ...base, server: z.string(), message: z.string() }),
  // `attempt` of `max_attempts`: a password sudo refused asks again, up to that many times.
  z.object({
    type: z.literal('tool_password_requested'),
    ...base,
    approval_id: z.string(),
    tool: z.string(),
    args,
    reason: z.string(),
    attempt: z.number().int(),
    max_attempts: z.number().int().optional(),
    status: z.literal('waiting_for_password'),
  }),
  z.object({ type: z.literal('tool_denied'), ...base, approval_id: z.string(), tool: z.string(), args }),
  z.object({ type: z.literal('task_resumed'), ...base, approval_id: z.string(), decision: z.string() }),
  // A person decided on an approval (on any client: `via` names it), or a Stop denied it.
  z.object({
    type: z.literal('approval_decided'),
    ...base,
    approval_id: z.string(),
    decision: z.enum(['allow_once', 'allow_always', 'deny']),
    decided_by: z.enum(['person', 'cancellation']),
    via: z.string().optional(),
  }),
  // A sudo password was tried; never the password itself.
  z.object({ type: z.literal('password_attempt'), ...base, approval_id: z.string(), attempt: z.number().int(), accepted: z.boolean() }),
  // A person asked to stop the task; `done` with status cancelled follows when it has stopped.
  z.object({ type: z.literal('cancel_requested'), ...base, via: z.string().optional() }),
  z.object({
    type: z.literal('command_audit'),
    ...base,
    // The tool that acted when it was not a shell command (file_write, file_edit, file_undo, mcp__…).
    tool: z.string().optional(),
    command: z.string(),
    risk_level: risk,
    action_type: actionType,
    approved: z.boolean(),
    approved_by: z.enum(['person', 'rule', 'automatic', 'none']),
    rule_id: z.string().optional(),
    outcome: z.enum(['ran', 'denied', 'failed_to_start', 'timed_out', 'cancelled']),
    exit_code: z.number().int().nullable(),
    duration_ms: z.number().nullable(),
    sudo: z.boolean(),
  }),
  z.object({
    type: z.literal('model_call'),
    ...base,
    role: z.string(),
    model: z.string().optional(),
    prompt_chars: z.number().int(),
    latency_ms: z.number(),
    completion_tokens: z.number().int(),
    prompt_tokens: z.number().int().optional(),
    cached_prompt_tokens: z.number().int().optional(),
    ok: z.boolean(),
  }),
  // A reply ended at its length limit: an answer is incomplete, a structured reply unusable.
  z.object({ type: z.literal('reply_cut'), ...base, role: z.string() }),
  // The answer had started beside the route decision; a tool was needed, so it was dropped unseen.
  z.object({ type: z.literal('speculative_answer_discarded'), ...base }),
  z.object({ type: z.literal('reasoning_delta'), ...base, delta: z.string() }),
  z.object({ type: z.literal('content_delta'), ...base, delta: z.string() }),
  z.object({ type: z.literal('error'), ...base, code: z.string(), message: z.string() }),
  z.object({ type: z.literal('done'), ...base, conversation_id: z.string(), status: z.enum(TASK_STATUSES), generation_stats: generationStatsSchema }),
  z.object({
    type: z.literal('memory_policy_decision'),
    ...base,
    should_store: z.boolean(),
    memory_type: z.string(),
    summary: z.string(),
    importance: z.number(),
    scope: z.string(),
    subject: z.string().optional(),
    action: z.string().optional(),
    target_memory_id: z.string().optional(),
  }),
  z.object({ type: z.literal('memory_stored'), ...base, memory_id: z.string(), text: z.string(), scope: z.string() }),
  z.object({ type: z.literal('memory_policy_failed'), ...base, message: z.string() }),
  // The conversation's first exchange named it (the memory policy's call gives the title).
  z.object({ type: z.literal('conversation_titled'), ...base, conversation_id: z.string(), title: z.string() }),
  // A changed fact rewrote an existing memory in place.
  z.object({ type: z.literal('memory_updated'), ...base, memory_id: z.string(), text: z.string(), previous_text: z.string() }),
  // A new memory replaced an old one, which stays in history but is no longer recalled.
  z.object({ type: z.literal('memory_superseded'), ...base, memory_id: z.string(), text: z.string(), superseded_id: z.string(), superseded_text: z.string() }),
  // What would have been stored was already known: the existing memory was kept and reinforced.
  z.object({ type: z.literal('memory_merged'), ...base, memory_id: z.string(), text: z.string() }),
  // Lessons of earlier similar tasks given to this task's planner.
  z.object({ type: z.literal('experience_applied'), ...base, experience_ids: z.array(z.string()), lessons: z.array(z.string()) }),
  // `confirmations` > 1: the workspace had this lesson already, and it now counts once more.
  z.object({ type: z.literal('reflection_completed'), ...base, experience_id: z.string(), lesson: z.string(), confirmations: z.number().int().optional() }),
  z.object({ type: z.literal('reflection_failed'), ...base, message: z.string() }),
]);

export type TaskEvent = z.infer<typeof taskEventSchema>;
export type TaskEventType = TaskEvent['type'];
/** An event as a phase builds it: the sink adds the task id. */
export type TaskEventInput = TaskEvent extends infer E ? (E extends TaskEvent ? Omit<E, 'task_id'> : never) : never;

/** Events shown on the stream only with `debug: true`; they are always kept in the log. */
export const DEBUG_ONLY_EVENTS: ReadonlySet<TaskEventType> = new Set(['model_call', 'action_directive', 'directive_invalid', 'speculative_answer_discarded']);

/** Streamed token by token; the log keeps them merged (one row per run of deltas). */
export const DELTA_EVENTS: ReadonlySet<TaskEventType> = new Set(['reasoning_delta', 'content_delta']);

/** Splits an event into its wire name and its payload, with `task_id` first. */
export function toPayload(event: TaskEvent): { type: TaskEventType; payload: Record<string, unknown> } {
  const { type, task_id, ...rest } = event;
  return { type, payload: { task_id, ...rest } };
}
