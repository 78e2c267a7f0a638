import { ModelBehaviorError } from '../errors.js';
import { hybridCandidates } from '../memory/candidates.js';
import { embedderOf, MemoryVectors } from '../memory/embeddings.js';
import { recallVerdictSchema } from '../model/role-replies.js';
import type { Memory, MemoryView } from '../store/memory-repo.js';
import { recallMessages } from './prompts.js';
import { callStructured } from './structured-call.js';
import { turnHistory, type TaskContext } from './task-context.js';

/** The judge sees at most this many numbered memories: a bounded prompt whatever the store holds. */
const MAX_CANDIDATES = 8;

export interface RecallResult {
  sufficient: boolean;
}

/**
 * Finds candidate memories locally, then asks the recall judge which matter. No memories in
 * view: no model call at all. The relevant ones go into the task state for every later role.
 */
export async function recall(ctx: TaskContext): Promise<RecallResult> {
  const { store } = ctx.deps;
  const view: MemoryView = { workspace: ctx.state.workspace, conversationId: ctx.state.conversationId };
  if (!store.memories.hasAny(view)) return { sufficient: false };

  ctx.emitter.emit({ type: 'runtime_status', stage: 'recalling' });
  const candidates = await findCandidates(ctx, view);
  try {
    const verdict = await callStructured(ctx, 'recall', recallMessages(ctx.state, turnHistory(ctx), ctx.deps.tools, candidates), recallVerdictSchema, { temperature: 0 });
    // Ids are positions in the list we sent; anything else the judge invents is ignored.
    const relevant = [...new Set(verdict.relevant_ids)].map((id) => (/^\d+$/.test(id) ? candidates[Number(id)] : undefined)).filter((m): m is Memory => !!m);
    ctx.state.memories = relevant.map((m) => ({ id: m.id, text: m.text }));
    const sufficient = verdict.sufficient_to_answer && relevant.length > 0;
    ctx.emitter.emit({ type: 'recall_completed', candidates: candidates.length, relevant_memory_ids: relevant.map((m) => m.id), sufficient_to_answer: sufficient });
    return { sufficient };
  } catch (error) {
    if (!(error instanceof ModelBehaviorError)) throw error;
    ctx.emitter.emit({ type: 'recall_failed', message: error.message });
    return { sufficient: false };
  }
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
