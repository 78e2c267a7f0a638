import { memoryDecisionSchema } from '../model/role-replies.js';
import { callRole } from './model-calls.js';
import { criticMessages, memoryPolicyMessages } from './prompts.js';
import { callStructured } from './structured-call.js';
import { turnHistory, type TaskContext } from './task-context.js';

const POST_TASK_TIMEOUT_MS = 120_000;

/**
 * After `done`, off the answer's path: decide what to remember and, when enabled, write a
 * lesson. Each outcome is a task event; no failure here can touch the answer already given.
 */
export function schedulePostTask(ctx: TaskContext): void {
  // The request's signal dies with the stream; this work has its own deadline instead.
  const post: TaskContext = { ...ctx, signal: AbortSignal.timeout(POST_TASK_TIMEOUT_MS) };
  ctx.deps.background.run(async () => {
    await rememberExchange(post);
    if (ctx.deps.reflection) await reflect(post);
    post.emitter.flush();
  });
}

async function rememberExchange(ctx: TaskContext): Promise<void> {
  try {
    const decision = await callStructured(ctx, 'memory_policy', memoryPolicyMessages(ctx.state, turnHistory(ctx), ctx.deps.tools, ctx.answer), memoryDecisionSchema, { temperature: 0 });
    ctx.emitter.emit({ type: 'memory_policy_decision', should_store: decision.should_store, memory_type: decision.memory_type, summary: decision.summary, importance: decision.importance, scope: decision.scope });
    const text = decision.summary.trim();
    if (!decision.should_store || !text) return;
    const memory = ctx.deps.store.memories.add({
      text,
      memory_type: decision.memory_type,
      scope: decision.scope,
      workspace: decision.scope === 'workspace' ? ctx.state.workspace : null,
      conversation_id: decision.scope === 'conversation' ? ctx.state.conversationId : null,
      importance: decision.importance,
      metadata: decision.metadata,
      source_task_id: ctx.taskId,
    });
    ctx.emitter.emit({ type: 'memory_stored', memory_id: memory.id, text: memory.text, scope: memory.scope });
  } catch (error) {
    ctx.emitter.emit({ type: 'memory_policy_failed', message: errorText(error) });
  }
}

async function reflect(ctx: TaskContext): Promise<void> {
  try {
    const reply = await callRole(ctx, 'critic', criticMessages(ctx.state, turnHistory(ctx), ctx.deps.tools, ctx.answer), { temperature: 0.2 });
    const lesson = reply.content.trim();
    if (!lesson) throw new Error('the critic returned an empty lesson');
    const stored = ctx.deps.store.experience.add(ctx.taskId, lesson);
    ctx.emitter.emit({ type: 'reflection_completed', experience_id: stored.id, lesson });
  } catch (error) {
    ctx.emitter.emit({ type: 'reflection_failed', message: errorText(error) });
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);
