import { embedderOf, type Embedder } from '../memory/embeddings.js';
import type { ModelClient } from '../model/model-client.js';

/**
 * The embedder recall, memory writing and memory search use now, or null (lexical only). Never
 * waits: a backend still finding out whether its server embeds answers null meanwhile.
 * embeddings.ts adds the time limit, the rest after a failure (per source, so per model) and
 * unit-length vectors tagged with the source's model.
 */
export function recallEmbedder(model: ModelClient): Embedder | null {
  if (!model.embeddings) {
    // A client with a fixed `embed` of its own (test fakes): embeddings.ts's duck typing.
    return embedderOf(model);
  }
  const source = model.embeddings();
  return source ? embedderOf(source) : null;
}
