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
export interface StemMatches {
  matches: RankedMemory[];
  /**
   * What a memory of average length saying every stem once would score (FTS5's BM25 weights):
   * a match's share of it tells how much of the question it covers, words nowhere in memory
   * included. Those weigh most, so a match on "make" alone says little about "What music do I make?".
   */
  ideal: number;
}

export function stemSearch(repo: MemoryRepo, filter: MemoryFilter, stems: string[], pool: number, about: string[] = []): StemMatches {
  const unique = [...new Set(stems)];
  if (!unique.length) return { matches: [], ideal: 0 };
  const { total, df } = repo.documentFrequency(unique);
  const count = (s: string) => df.get(s) ?? 0;
  const ideal = unique.reduce((sum, s) => sum + Math.max(1e-6, Math.log((total - count(s) + 0.5) / (count(s) + 0.5))), 0);
  // Stems are looked for in the text; `about` narrows to memories about someone (see subject.ts).
  const focus = about.length ? ` AND about : (${matchAny(about)})` : '';
  const search = (match: string) => repo.search(filter, `stemmed : (${match})${focus}`, pool);

  const present = unique.filter((s) => count(s) > 0).sort((a, b) => count(a) - count(b));
  // A stem in more than half of everything ranks nothing; keep the rarest one so a query still matches.
  const useful = total < PRUNE_MIN_MEMORIES ? present : present.filter((s, i) => i === 0 || count(s) <= total * NO_WEIGHT_SHARE);
  // With no rare stem the rarest one finds the candidates (`useful` is sorted rarest first).
  const rare = useful.filter((s, i) => i === 0 || count(s) <= total * COMMON_SHARE);
  const common = useful.filter((s) => !rare.includes(s));
  if (total < SPLIT_MIN_MEMORIES || !rare.length || !common.length) {
    const match = matchAny(useful);
    return { matches: match ? search(match) : [], ideal };
  }
  const rareMatch = matchAny(rare)!;
  const byId = new Map(search(`(${rareMatch}) AND (${matchAny(common)!})`).map((r) => [r.memory.id, r]));
  for (const r of search(rareMatch)) if (!byId.has(r.memory.id)) byId.set(r.memory.id, r);
  return { matches: [...byId.values()].sort((a, b) => a.bm25 - b.bm25).slice(0, pool), ideal };
}
