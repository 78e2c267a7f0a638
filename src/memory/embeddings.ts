import type { Db } from '../store/database.js';
import { memoryWhere, type MemoryFilter, type MemoryRepo } from '../store/memory-repo.js';
import { allEmbedded, markAllEmbedded } from './vector-index.js';

/**
 * Optional semantic search. A model client that can embed (an OpenAI-compatible server with
 * `/v1/embeddings`, or the embedded engine) exposes `embed`; without it everything is lexical.
 * Duck-typed so the ModelClient contract needs no change for clients that cannot embed.
 */
export interface EmbeddingCapable {
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<number[][] | null>;
  /** Vectors of different models are not comparable; stored vectors are tagged with this. */
  readonly embeddingModel?: string;
}

export interface Embedder {
  model: string;
  /** One vector per text, or null when embedding failed (the caller goes on lexically). */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[] | null>;
}

/** After a failure, embeddings are not tried again for a while: a server without them says so every time. */
const RETRY_AFTER_MS = 10 * 60_000;
const EMBED_TIMEOUT_MS = 5_000;
const failedAt = new WeakMap<object, number>();

export function embedderOf(capable: Partial<EmbeddingCapable> & object): Embedder | null {
  if (typeof capable.embed !== 'function') return null;
  const last = failedAt.get(capable);
  if (last !== undefined && Date.now() - last < RETRY_AFTER_MS) return null;
  return {
    model: capable.embeddingModel ?? 'default',
    async embed(texts, signal) {
      if (!texts.length) return [];
      try {
        const timeout = AbortSignal.timeout(EMBED_TIMEOUT_MS);
        const vectors = await capable.embed!(texts, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        if (!vectors || vectors.length !== texts.length || vectors.some((v) => !v.length)) throw new Error('bad embedding reply');
        return vectors.map((v) => normalize(Float32Array.from(v)));
      } catch {
        failedAt.set(capable, Date.now());
        return null;
      }
    },
  };
}

/** Unit length, so that cosine similarity is a dot product. */
function normalize(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

const toBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

export class MemoryVectors {
  constructor(private readonly db: Db) {}

  save(memoryId: string, model: string, vector: Float32Array): void {
    this.db.prepare('INSERT OR REPLACE INTO memory_vectors (memory_id, model, vector) VALUES (?, ?, ?)').run(memoryId, model, toBlob(vector));
  }

  /** Current memories of the filter with no vector of this model yet (older ones, imports). */
  missing(filter: MemoryFilter, model: string, limit: number): { id: string; text: string }[] {
    const w = memoryWhere(filter, 'm.');
    return this.db
      .prepare(
        `SELECT m.id, m.text FROM memories m LEFT JOIN memory_vectors v ON v.memory_id = m.id AND v.model = @model
         WHERE v.memory_id IS NULL AND ${w.sql} ORDER BY m.updated_at DESC LIMIT @limit`,
      )
      .all({ ...w.params, model, limit }) as { id: string; text: string }[];
  }
}

/** Gives one memory (just written or corrected) its vector; a failure only leaves it lexical until a backfill. */
export async function embedMemory(vectors: MemoryVectors, embedder: Embedder, memory: { id: string; text: string }, signal?: AbortSignal): Promise<void> {
  const [vector] = (await embedder.embed([memory.text], signal)) ?? [];
  if (vector) vectors.save(memory.id, embedder.model, vector);
}

/** Memories embedded per call, and per backfill: bounded work after each turn. */
const BACKFILL_BATCH = 16;
const BACKFILL_MAX = 64;

/**
 * Gives vectors to the memories of a view that have none (stored before embeddings were
 * available, imported, edited), a batch at a time. Runs after a turn, never inside recall; stops
 * at the first failure (the embedder then rests) and checks for work at no cost once all have one.
 */
export async function backfillVectors(repo: MemoryRepo, vectors: MemoryVectors, embedder: Embedder, filter: MemoryFilter, signal?: AbortSignal): Promise<number> {
  let done = 0;
  while (done < BACKFILL_MAX && !signal?.aborted && !allEmbedded(repo, filter, embedder.model)) {
    const missing = vectors.missing(filter, embedder.model, BACKFILL_BATCH);
    if (!missing.length) {
      markAllEmbedded(repo, filter, embedder.model);
      break;
    }
    const embedded = await embedder.embed(
      missing.map((m) => m.text),
      signal,
    );
    if (!embedded) break;
    missing.forEach((m, i) => vectors.save(m.id, embedder.model, embedded[i]!));
    done += missing.length;
  }
  return done;
}
