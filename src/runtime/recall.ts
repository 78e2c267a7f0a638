import { hybridCandidates } from '../memory/candidates.js';
import { embedderOf, MemoryVectors } from '../memory/embeddings.js';
import type { Memory, MemoryView } from '../store/memory-repo.js';
import type { TaskContext } from './task-context.js';

/** The answer and the judge see at most this many memories: a bounded prompt whatever the store holds. */
const MAX_CANDIDATES = 8;

/**
 * Finds the memories this message may need, locally and before any model call, and gives them to
 * every role of the turn: the answer can start from them while the recall judge is still
 * deciding. No memories in view: nothing to find.
 */
export async function findMemories(ctx: TaskContext): Promise<Memory[]> {
  const { store } = ctx.deps;
  const view: MemoryView = { workspace: ctx.state.workspace, conversationId: ctx.state.conversationId };
  if (!store.memories.hasAny(view)) return [];
  const candidates = await findCandidates(ctx, view);
  ctx.state.memories = candidates.map((m) => ({ id: m.id, text: m.text }));
  return candidates;
}

/**
 * Ranked matches first (word forms, importance, recency, scope; embeddings when the model has
 * them), then the most important memories, so a short list always has both.
 */
async function findCandidates(ctx: TaskContext, view: MemoryView): Promise<Memory[]> {
  const { store, model } = ctx.deps;
  const ranked = await hybridCandidates(store.memories, new MemoryVectors(store.db), embedderOf(model), { view }, ctx.state.message, {
    limit: MAX_CANDIDATES,
    signal: ctx.signal,
  });
  const found = ranked.map((c) => c.memory);
  const seen = new Set(found.map((m) => m.id));
  for (const m of store.memories.list(view, MAX_CANDIDATES)) {
    if (found.length >= MAX_CANDIDATES) break;
    if (!seen.has(m.id)) found.push(m);
  }
  return found;
}
