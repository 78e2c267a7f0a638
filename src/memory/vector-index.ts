import type { MemoryFilter, MemoryRepo } from '../store/memory-repo.js';

/**
 * Memory vectors kept in memory, so a semantic search is a scan of floats instead of reading
 * and decoding every stored vector (65 ms at 10k memories before). SQLite stays the truth: the
 * visible memories of a filter are read again only when the repo says something may have
 * changed (`vectorGeneration`), and then only vectors not seen before are decoded.
 */

export interface Similarity {
  id: string;
  similarity: number;
  /** The memory's subject phrase, for ranking by whom it is about. */
  subject: string | null;
}

interface View {
  generation: string;
  /** Every visible memory had a vector when this generation was read: nothing to backfill. */
  complete?: boolean;
  ids: string[];
  subjects: (string | null)[];
  vectors: Float32Array[];
}

interface RepoCache {
  /** Decoded vectors by memory id, with the row version they came from. */
  vectors: Map<string, { version: number; vector: Float32Array }>;
  /** Per model and filter: the visible memories with vectors. */
  views: Map<string, View>;
}

const MAX_VIEWS = 16;
const caches = new WeakMap<MemoryRepo, RepoCache>();

/** Cosine similarity of a unit-length query to every visible memory with a vector of `model`. */
export function similarities(repo: MemoryRepo, filter: MemoryFilter, model: string, query: Float32Array): Similarity[] {
  const view = viewOf(repo, filter, model);
  return view.ids.map((id, i) => ({ id, similarity: dot(query, view.vectors[i]!), subject: view.subjects[i]! }));
}

/** Whether every memory of the filter is known to have a vector of `model` (so none need embedding). */
export function allEmbedded(repo: MemoryRepo, filter: MemoryFilter, model: string): boolean {
  return viewOf(repo, filter, model).complete === true;
}

/** Notes that no memory of the filter lacks a vector, until something changes. */
export function markAllEmbedded(repo: MemoryRepo, filter: MemoryFilter, model: string): void {
  viewOf(repo, filter, model).complete = true;
}

function viewOf(repo: MemoryRepo, filter: MemoryFilter, model: string): View {
  let cache = caches.get(repo);
  if (!cache) caches.set(repo, (cache = { vectors: new Map(), views: new Map() }));
  const key = `${model}\n${JSON.stringify(filter)}`;
  const generation = repo.vectorGeneration(model);
  const known = cache.views.get(key);
  if (known?.generation === generation) return known;

  const rows = repo.vectorVersions(filter, model);
  const vectors = cache.vectors;
  const stale = rows.filter((r) => vectors.get(`${model}\n${r.id}`)?.version !== r.version).map((r) => r.id);
  for (const r of repo.vectors(model, stale)) vectors.set(`${model}\n${r.id}`, { version: r.version, vector: fromBlob(r.vector) });
  const view: View = {
    generation,
    ids: rows.map((r) => r.id),
    subjects: rows.map((r) => r.subject),
    vectors: rows.map((r) => vectors.get(`${model}\n${r.id}`)?.vector ?? EMPTY),
  };
  if (cache.views.size >= MAX_VIEWS) cache.views.clear();
  cache.views.set(key, view);
  // Vectors of deleted memories would stay forever: drop them when they outnumber the live ones.
  if (vectors.size > 2 * rows.length + 1000) {
    const live = new Set(repo.vectorVersions({ includeSuperseded: true }, model).map((r) => `${model}\n${r.id}`));
    for (const k of vectors.keys()) if (k.startsWith(`${model}\n`) && !live.has(k)) vectors.delete(k);
  }
  return view;
}

const EMPTY = new Float32Array(0);

function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function fromBlob(b: Buffer): Float32Array {
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
