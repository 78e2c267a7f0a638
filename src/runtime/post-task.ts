import { hybridCandidates } from '../memory/candidates.js';
import { backfillVectors, MemoryVectors } from '../memory/embeddings.js';
import { recallEmbedder } from './recall-embedder.js';
import { keepLesson } from '../memory/lessons.js';
import { applyMemoryDecision, resolveTarget, type WriteOutcome } from '../memory/memory-writer.js';
import { FIRST_EXCHANGE_FORMAT, memoryDecisionSchema } from '../model/role-replies.js';
import { cleanTitle } from '../store/conversation-title.js';
import { errorSummary } from './background-jobs.js';
import { callRole } from './model-calls.js';
import { criticMessages, memoryPolicyMessages } from './prompts.js';
import { callStructured } from './structured-call.js';
import { turnHistory, type TaskContext } from './task-context.js';

const POST_TASK_TIMEOUT_MS = 120_000;
/** Existing memories shown to the memory policy, so it can update or supersede instead of adding. */
const POLICY_CANDIDATES = 5;

/**
 * After `done`, off the answer's path: decide what to remember and, when enabled, write a
 * lesson. Each outcome is a task event; no failure here can touch the answer already given.
 */
export function schedulePostTask(ctx: TaskContext): void {
  // The request's signal dies with the stream; this work has its own deadline instead.
  const post: TaskContext = { ...ctx, signal: AbortSignal.timeout(POST_TASK_TIMEOUT_MS) };
  // Held from now, before the run ends: its followers stay until these events are in.
  const release = ctx.deps.taskLog.hold(ctx.taskId);
  ctx.deps.background.run(async () => {
    try {
      await rememberExchange(post);
      if (ctx.deps.reflection) await reflect(post);
    } finally {
      release();
    }
  }, `post-task work of task ${ctx.taskId}`);
}

/**
 * A failed step becomes its failure event; when the event log cannot take that either (the disk
 * is full, another process holds the database), the server log gets both, and the job goes on.
 */
function reportFailure(ctx: TaskContext, type: 'memory_policy_failed' | 'reflection_failed', error: unknown): void {
  try {
    ctx.emitter.emit({ type, message: errorText(error) });
  } catch (storeError) {
    ctx.deps.log(`task ${ctx.taskId}: ${type.replace('_failed', '').replaceAll('_', ' ')} failed (${errorSummary(error)}), and the event log could not record it: ${errorSummary(storeError)}`);
  }
}

async function rememberExchange(ctx: TaskContext): Promise<void> {
  try {
    const { store, model } = ctx.deps;
    const vectors = new MemoryVectors(store.db);
    const embedder = recallEmbedder(model);
    const view = { workspace: ctx.state.workspace, conversationId: ctx.state.conversationId };
    // The memories this exchange is most likely about: what a changed fact would replace.
    const existing = store.memories.hasAny(view)
      ? (await hybridCandidates(store.memories, embedder, { view }, ctx.state.message, { limit: POLICY_CANDIDATES, signal: ctx.signal })).map((c) => c.memory)
      : [];
    const history = turnHistory(ctx);
    // A conversation still named after its first message gets a real title from its first exchange.
    const askTitle = !history.length && store.conversations.get(ctx.state.conversationId)?.title_source === 'generated';
    const decision = await callStructured(ctx, 'memory_policy', memoryPolicyMessages(ctx.state, history, ctx.deps.tools, ctx.answer, existing, askTitle), memoryDecisionSchema, {
      temperature: 0,
      ...(askTitle ? { format: FIRST_EXCHANGE_FORMAT } : {}),
    });
    if (askTitle && decision.title) nameConversation(ctx, decision.title);
    const target = resolveTarget(decision.target_id, existing);
    ctx.emitter.emit({
      type: 'memory_policy_decision',
      should_store: decision.should_store,
      memory_type: decision.memory_type,
      summary: decision.summary,
      importance: decision.importance,
      scope: decision.scope,
      ...(decision.subject ? { subject: decision.subject } : {}),
      ...(decision.action ? { action: decision.action } : {}),
      ...(target ? { target_memory_id: target.id } : {}),
    });
    const outcome = applyMemoryDecision(store.memories, decision, existing, { workspace: ctx.state.workspace, conversationId: ctx.state.conversationId, taskId: ctx.taskId });
    report(ctx, outcome);
    // The memory just written (or rewritten), and any other of this view still without a vector.
    if (embedder) await backfillVectors(store.memories, vectors, embedder, { view }, ctx.signal);
  } catch (error) {
    reportFailure(ctx, 'memory_policy_failed', error);
  }
}

/** The model's title, kept unless a person has named the conversation meanwhile. */
function nameConversation(ctx: TaskContext, proposed: string): void {
  const title = cleanTitle(proposed);
  if (!title) return;
  if (ctx.deps.store.conversations.retitle(ctx.state.conversationId, title)) {
    ctx.emitter.emit({ type: 'conversation_titled', conversation_id: ctx.state.conversationId, title });
  }
}

function report(ctx: TaskContext, outcome: WriteOutcome): void {
  switch (outcome.kind) {
    case 'stored':
      ctx.emitter.emit({ type: 'memory_stored', memory_id: outcome.memory.id, text: outcome.memory.text, scope: outcome.memory.scope });
      break;
    case 'merged':
      ctx.emitter.emit({ type: 'memory_merged', memory_id: outcome.memory.id, text: outcome.memory.text });
      break;
    case 'updated':
      ctx.emitter.emit({ type: 'memory_updated', memory_id: outcome.memory.id, text: outcome.memory.text, previous_text: outcome.previousText });
      break;
    case 'superseded':
      // A new memory that replaced an old one is still a stored memory (unless it was merged into one).
      if (!outcome.merged) ctx.emitter.emit({ type: 'memory_stored', memory_id: outcome.memory.id, text: outcome.memory.text, scope: outcome.memory.scope });
      ctx.emitter.emit({ type: 'memory_superseded', memory_id: outcome.memory.id, text: outcome.memory.text, superseded_id: outcome.superseded.id, superseded_text: outcome.superseded.text });
      break;
    case 'none':
      break;
  }
}

async function reflect(ctx: TaskContext): Promise<void> {
  try {
    const reply = await callRole(ctx, 'critic', criticMessages(ctx.state, turnHistory(ctx), ctx.deps.tools, ctx.answer), { temperature: 0.2 });
    const lesson = reply.content.trim();
    if (!lesson) throw new Error('the critic returned an empty lesson');
    // Kept with the task's message and workspace: that is what a later, similar task is matched on.
    // A lesson the workspace already has is confirmed instead of stored again.
    const kept = keepLesson(ctx.deps.store.experience, { taskId: ctx.taskId, lesson, taskMessage: ctx.state.message, workspace: ctx.state.workspace });
    ctx.emitter.emit({ type: 'reflection_completed', experience_id: kept.lesson.id, lesson: kept.lesson.lesson, confirmations: kept.lesson.confirmations });
  } catch (error) {
    reportFailure(ctx, 'reflection_failed', error);
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);
