import type { Memory, MemoryFilter, MemoryRepo, RankedMemory } from '../store/memory-repo.js';
import { MemoryVectors, type Embedder } from './embeddings.js';
import { stemSearch } from './stem-search.js';
import { contentStems, trigramMatch } from './text.js';

/**
 * Candidate retrieval before any model sees a memory: BM25 over stemmed text (word forms in
 * English and Russian), a trigram fallback for what stems miss, optionally embeddings, then one
 * score that also weighs importance, recency and scope (conversation > workspace > global).
 */

export interface Candidate {
  memory: Memory;
  /** The final rank, higher is better. */
  score: number;
  /** 0..1 within this search: BM25 against the best match (trigram matches count for less). */
  lexical: number;
  /** Cosine similarity when embeddings were used, else null. */
  semantic: number | null;
}

export interface SearchOptions {
  limit: number;
  /** How many matches each retriever contributes before ranking. */
  pool?: number;
  /** Clock for recency; tests and the bench pass a fixed one. */
  now?: number;
}

/**
 * Weights of the final score. Relevance dominates; importance, recency and scope only order
 * near-ties: in the bench, where importance and age are noise, weights of 0.15/0.1 cost
 * 6 points of hit@1 at 10k memories, 0.05/0.05 cost one.
 */
const WEIGHTS = { base: 0.9, importance: 0.05, recency: 0.05, trigram: 0.6, semantic: 0.5, minSimilarity: 0.25 };
const SCOPE_BONUS = { conversation: 0.05, workspace: 0.025, global: 0 } as const;
const RECENCY_HALF_LIFE_DAYS = 30;
/** Lexical candidates only: synchronous, no model involved (the bench measures exactly this). */
export function lexicalCandidates(repo: MemoryRepo, filter: MemoryFilter, query: string, options: SearchOptions): Candidate[] {
  return rank([...collectLexical(repo, filter, query, options).values()], options);
}

/** Lexical candidates blended with embeddings when the model can embed. */
export async function hybridCandidates(repo: MemoryRepo, vectors: MemoryVectors, embedder: Embedder | null, filter: MemoryFilter, query: string, options: SearchOptions & { signal?: AbortSignal }): Promise<Candidate[]> {
  const found = collectLexical(repo, filter, query, options);
  if (embedder) {
    // Memories stored before embeddings were available get their vectors now, a batch at a time.
    const missing = vectors.missing(filter, embedder.model, 16);
    const embedded = await embedder.embed([query, ...missing.map((m) => m.text)], options.signal);
    if (embedded) {
      const [queryVector, ...rest] = embedded;
      missing.forEach((m, i) => vectors.save(m.id, embedder.model, rest[i]!));
      for (const near of vectors.nearest(filter, embedder.model, queryVector!, poolOf(options))) {
        if (near.similarity < WEIGHTS.minSimilarity) break;
        const known = found.get(near.id);
        const memory = known?.memory ?? repo.get(near.id);
        if (memory) found.set(near.id, { memory, score: 0, lexical: known?.lexical ?? 0, semantic: near.similarity });
      }
    }
  }
  return rank([...found.values()], options);
}

const poolOf = (options: SearchOptions) => options.pool ?? Math.max(50, options.limit * 4);

function collectLexical(repo: MemoryRepo, filter: MemoryFilter, query: string, options: SearchOptions): Map<string, Candidate> {
  const scored = new Map<string, Candidate>();
  addLexical(scored, stemSearch(repo, filter, contentStems(query), poolOf(options)), 1);
  // Trigrams where stems found too little: identifiers, compounds, a language we cannot stem.
  if (scored.size < options.limit) {
    const tri = trigramMatch(query);
    if (tri) addLexical(scored, repo.searchTrigram(filter, tri, poolOf(options)), WEIGHTS.trigram);
  }
  return scored;
}

function addLexical(into: Map<string, Candidate>, found: RankedMemory[], weight: number): void {
  // FTS5's bm25 is negative, lower is better; scale so that the best match of this search is 1.
  const best = Math.max(...found.map((f) => -f.bm25), Number.EPSILON);
  for (const { memory, bm25 } of found) {
    const lexical = (weight * -bm25) / best;
    const known = into.get(memory.id);
    if (!known) into.set(memory.id, { memory, score: 0, lexical, semantic: null });
    else known.lexical = Math.max(known.lexical, lexical);
  }
}

function rank(candidates: Candidate[], options: SearchOptions): Candidate[] {
  const now = options.now ?? Date.now();
  const hybrid = candidates.some((c) => c.semantic !== null);
  for (const c of candidates) {
    const semantic = Math.max(0, c.semantic ?? 0);
    const relevance = hybrid ? (1 - WEIGHTS.semantic) * c.lexical + WEIGHTS.semantic * semantic : c.lexical;
    const ageDays = Math.max(0, now - Date.parse(c.memory.updated_at || c.memory.created_at)) / 86_400_000;
    const recency = 0.5 ** (ageDays / RECENCY_HALF_LIFE_DAYS);
    c.score = relevance * (WEIGHTS.base + WEIGHTS.importance * c.memory.importance + WEIGHTS.recency * recency + SCOPE_BONUS[c.memory.scope]);
  }
  return candidates.sort((a, b) => b.score - a.score).slice(0, options.limit);
}
