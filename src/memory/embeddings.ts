import type { ModelClient } from '../model/model-client.js';
import type { Db } from '../store/database.js';
import { memoryWhere, type MemoryFilter } from '../store/memory-repo.js';

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

export function embedderOf(model: ModelClient): Embedder | null {
  const capable = model as Partial<EmbeddingCapable> & object;
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

function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

const toBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const fromBlob = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

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

  /** The memories closest to a query vector, by cosine; a full scan, fine at personal scale. */
  nearest(filter: MemoryFilter, model: string, query: Float32Array, limit: number): { id: string; similarity: number }[] {
    const w = memoryWhere(filter, 'm.');
    const rows = this.db
      .prepare(`SELECT v.memory_id AS id, v.vector FROM memory_vectors v JOIN memories m ON m.id = v.memory_id WHERE v.model = @model AND ${w.sql}`)
      .all({ ...w.params, model }) as { id: string; vector: Buffer }[];
    return rows
      .map((r) => ({ id: r.id, similarity: dot(query, fromBlob(r.vector)) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, limit);
  }

  /** Embeds and stores one memory's text; failures only mean this memory stays lexical. */
  async index(embedder: Embedder, memoryId: string, text: string, signal?: AbortSignal): Promise<void> {
    const [vector] = (await embedder.embed([text], signal)) ?? [];
    if (vector) this.save(memoryId, embedder.model, vector);
  }
}
