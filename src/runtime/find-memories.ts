import { hybridCandidates } from '../memory/candidates.js';
import { recallEmbedder } from './recall-embedder.js';
import type { Memory, MemoryView } from '../store/memory-repo.js';
import type { TaskContext } from './task-context.js';

/** At most this many matched memories, and as many pinned ones: a bounded prompt whatever the store holds. */
const MAX_MATCHES = 8;
const MAX_PINNED = 8;
/** A match scoring under this share of the best one is left out. */
const MIN_SHARE_OF_BEST = 0.3;

/**
 * Finds the memories a turn may need, locally and before any model call, for every role of the
 * turn: the answer can start from them while the recall judge is still deciding.
 * - pinned: the most important memories of this view, the same whatever the message, so they
 *   sit in the cached system text;
 * - matched: the ones this message matches (word forms, importance, recency, scope; embeddings
 *   when the model has them), numbered for the judge in the message's own part.
 * No memories in view: nothing to find, and no recall judge.
 */
export async function findMemories(ctx: TaskContext): Promise<void> {
  const { store, model } = ctx.deps;
  const view: MemoryView = { workspace: ctx.state.workspace, conversationId: ctx.state.conversationId };
  if (!store.memories.hasAny(view)) return;
  const matched = await hybridCandidates(store.memories, recallEmbedder(model), { view }, ctx.state.message, {
    limit: MAX_MATCHES,
    signal: ctx.signal,
  });
  // Near-misses (a shared "user", a trigram of a common word) would only cost prompt: the pinned
  // memories already give every role the broad picture.
  const best = matched[0]?.score ?? 0;
  ctx.state.memories = matched.filter((c) => c.score >= best * MIN_SHARE_OF_BEST).map(({ memory }) => brief(memory));
  ctx.state.pinnedMemories = store.memories.list(view, MAX_PINNED).map(brief);
}

const brief = (m: Memory) => ({ id: m.id, text: m.text });
