import type { MemoryFilter, MemoryRepo, RankedMemory } from '../store/memory-repo.js';
import { matchAny } from './text.js';

/** Above this share of all memories a stem carries no BM25 weight at all: FTS5 clamps its IDF. */
const NO_WEIGHT_SHARE = 0.5;
/** Above this share a stem only scores the candidates that rarer stems found. */
const COMMON_SHARE = 0.05;
/** Below this many memories one plain OR query is fast enough. */
const SPLIT_MIN_MEMORIES = 5_000;
const PRUNE_MIN_MEMORIES = 200;

/**
 * BM25 over stems, ranked as one OR query would rank them, but cheaper on a large store: a
 * common stem ("user") matches a fifth of everything, and scoring all of that dominated the time
 * (18 ms at 100k memories). So the rare stems find the candidates, and a second query scores
 * those that also have common stems. BM25 is a sum over terms with corpus-wide weights, so the
 * two queries' scores are comparable; what is lost are memories matching only common stems.
 */
export function stemSearch(repo: MemoryRepo, filter: MemoryFilter, stems: string[], pool: number): RankedMemory[] {
  const unique = [...new Set(stems)];
  if (!unique.length) return [];
  const { total, df } = repo.documentFrequency(unique);
  const count = (s: string) => df.get(s) ?? 0;
  const present = unique.filter((s) => count(s) > 0).sort((a, b) => count(a) - count(b));
  // A stem in more than half of everything ranks nothing; keep the rarest one so a query still matches.
  const useful = total < PRUNE_MIN_MEMORIES ? present : present.filter((s, i) => i === 0 || count(s) <= total * NO_WEIGHT_SHARE);
  // With no rare stem the rarest one finds the candidates (`useful` is sorted rarest first).
  const rare = useful.filter((s, i) => i === 0 || count(s) <= total * COMMON_SHARE);
  const common = useful.filter((s) => !rare.includes(s));
  if (total < SPLIT_MIN_MEMORIES || !rare.length || !common.length) {
    const match = matchAny(useful);
    return match ? repo.search(filter, match, pool) : [];
  }
  const rareMatch = matchAny(rare)!;
  const byId = new Map(repo.search(filter, `(${rareMatch}) AND (${matchAny(common)!})`, pool).map((r) => [r.memory.id, r]));
  for (const r of repo.search(filter, rareMatch, pool)) if (!byId.has(r.memory.id)) byId.set(r.memory.id, r);
  return [...byId.values()].sort((a, b) => a.bm25 - b.bm25).slice(0, pool);
}
