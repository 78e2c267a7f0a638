import type { Memory, MemoryFilter, MemoryRepo, RankedMemory } from '../store/memory-repo.js';
import type { Embedder } from './embeddings.js';
import { stemSearch } from './stem-search.js';
import { similarities } from './vector-index.js';
import { focusTerms, isUserStem, storedSubject, subjectOfQuestion, subjectRelation, type Subject, type SubjectRelation } from './subject.js';
import { contentStems, matchAny, trigramMatch } from './text.js';

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
/**
 * Relevance is scaled by whom a memory is about against whom the question asks about: "Where do
 * I work?" wants the user's job before the colleague's with the same words (see subject.ts).
 */
const SUBJECT_FACTOR: Record<SubjectRelation, number> = { same: 1.3, neutral: 1, other: 0.75 };
const RECENCY_HALF_LIFE_DAYS = 30;
/** Lexical candidates only: synchronous, no model involved (the bench measures exactly this). */
export function lexicalCandidates(repo: MemoryRepo, filter: MemoryFilter, query: string, options: SearchOptions): Candidate[] {
  const subject = subjectOfQuestion(query);
  return rank([...collectLexical(repo, filter, query, subject, options).scored.values()], subject, options);
}

/** Lexical candidates blended with embeddings when the model can embed. */
export async function hybridCandidates(repo: MemoryRepo, embedder: Embedder | null, filter: MemoryFilter, query: string, options: SearchOptions & { signal?: AbortSignal }): Promise<Candidate[]> {
  const subject = subjectOfQuestion(query);
  const lexical = collectLexical(repo, filter, query, subject, options);
  const found = lexical.scored;
  if (embedder) {
    // Only the question is embedded here; memories get their vectors after turns (backfillVectors).
    const embedded = await embedder.embed([query], options.signal);
    if (embedded) {
      const [queryVector] = embedded;
      const scored = similarities(repo, filter, embedder.model, queryVector!);
      // Every lexical match gets its similarity too: one missing from the nearest few is not unlike the question.
      const byId = new Map(scored.map((s) => [s.id, s.similarity]));
      for (const c of found.values()) c.semantic = byId.get(c.memory.id) ?? null;
      // The nearest, counting whom each is about: among hundreds of memories as near as the
      // user's own fact (the same fact about their colleagues), the user's must be in the pool.
      const weighed = scored
        .filter((s) => s.similarity >= WEIGHTS.minSimilarity && !found.has(s.id))
        .map((s) => ({ ...s, weight: s.similarity * SUBJECT_FACTOR[subjectRelation(subject, storedSubject(s.subject))] }))
        .sort((a, b) => b.weight - a.weight)
        .slice(0, poolOf(options));
      // And those found by meaning get their word score too: "What am I called?" shares "I" with "The user's name is …".
      const bm25 = lexical.match ? repo.bm25Of(lexical.match, weighed.map((n) => n.id)) : new Map<string, number>();
      for (const near of weighed) {
        const memory = repo.get(near.id);
        if (memory) found.set(near.id, { memory, score: 0, lexical: -(bm25.get(near.id) ?? 0) / lexical.scale, semantic: near.similarity });
      }
    }
  }
  return rank([...found.values()], subject, options);
}

const poolOf = (options: SearchOptions) => options.pool ?? Math.max(50, options.limit * 4);

interface LexicalFinds {
  scored: Map<string, Candidate>;
  /** Every stem of the question, for scoring memories found otherwise; null without stems. */
  match: string | null;
  /** What a lexical score of 1 stands for (see addLexical). */
  scale: number;
}

function collectLexical(repo: MemoryRepo, filter: MemoryFilter, query: string, subject: Subject | null, options: SearchOptions): LexicalFinds {
  const scored = new Map<string, Candidate>();
  const stems = contentStems(query);
  const { matches, ideal } = stemSearch(repo, filter, stems, poolOf(options));
  // The best matches about whom the question asks, which the words alone may rank far down.
  // The user's own stems say nothing more there: every memory about the user matches them.
  const focusStems = stems.filter((s) => !isUserStem(s));
  if (subject && focusStems.length) {
    const known = new Set(matches.map((f) => f.memory.id));
    for (const f of stemSearch(repo, filter, focusStems, poolOf(options), focusTerms(subject)).matches) if (!known.has(f.memory.id)) matches.push(f);
  }
  const scale = addLexical(scored, matches, 1, ideal);
  // Trigrams where stems found too little: identifiers, compounds, a language we cannot stem.
  if (scored.size < options.limit) {
    const tri = trigramMatch(query);
    // Scaled to the stems' best match, if any: a trigram never outranks a stem.
    const stemBest = Math.max(0, ...[...scored.values()].map((c) => c.lexical));
    if (tri) addLexical(scored, repo.searchTrigram(filter, tri, poolOf(options)), WEIGHTS.trigram * (stemBest || 1), 0);
  }
  const any = matchAny(stems);
  return { scored, match: any && `stemmed : (${any})`, scale };
}

/**
 * FTS5's bm25 is negative, lower is better. Scaled by what a match of every word would score
 * (`ideal`), or else by the best match of this search, so that lexical evidence weighs against
 * semantic similarity by how much of the question it covers.
 */
function addLexical(into: Map<string, Candidate>, found: RankedMemory[], weight: number, ideal: number): number {
  const best = Math.max(ideal, ...found.map((f) => -f.bm25), Number.EPSILON);
  for (const { memory, bm25 } of found) {
    const lexical = (weight * -bm25) / best;
    const known = into.get(memory.id);
    if (!known) into.set(memory.id, { memory, score: 0, lexical, semantic: null });
    else known.lexical = Math.max(known.lexical, lexical);
  }
  return best;
}

function rank(candidates: Candidate[], subject: Subject | null, options: SearchOptions): Candidate[] {
  const now = options.now ?? Date.now();
  const hybrid = candidates.some((c) => c.semantic !== null);
  for (const c of candidates) {
    const semantic = Math.max(0, c.semantic ?? 0);
    const blended = hybrid ? (1 - WEIGHTS.semantic) * c.lexical + WEIGHTS.semantic * semantic : c.lexical;
    const relevance = blended * SUBJECT_FACTOR[subjectRelation(subject, storedSubject(c.memory.subject))];
    const ageDays = Math.max(0, now - Date.parse(c.memory.updated_at || c.memory.created_at)) / 86_400_000;
    const recency = 0.5 ** (ageDays / RECENCY_HALF_LIFE_DAYS);
    c.score = relevance * (WEIGHTS.base + WEIGHTS.importance * c.memory.importance + WEIGHTS.recency * recency + SCOPE_BONUS[c.memory.scope]);
  }
  return candidates.sort((a, b) => b.score - a.score).slice(0, options.limit);
}
