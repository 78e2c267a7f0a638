import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { ModelRequestError } from '../../errors.js';
import type { EmbeddingSource } from '../model-client.js';

/**
 * Tokens one text may have: memories are a sentence or two; a longer text (a pasted question) is
 * embedded by its start, rather than failing and so turning embeddings off for a while.
 */
const EMBEDDING_CONTEXT = 512;

/**
 * The embedded model's embeddings (node-llama-cpp's embedding context). The context is its own, so
 * chat's sequences are untouched; it is made on first use (a KV cache costs memory) and texts
 * take turns in it.
 */
export class EmbeddingEngine implements EmbeddingSource {
  readonly origin = 'detected' as const;
  private context: Promise<LlamaEmbeddingContext> | null = null;
  private closed = false;

  constructor(
    private readonly model: LlamaModel,
    readonly embeddingModel: string,
    private readonly options: { threads: number },
  ) {}

  async embed(texts: string[], { signal }: { signal?: AbortSignal } = {}): Promise<number[][]> {
    try {
      const context = await this.contextOnce();
      const vectors: number[][] = [];
      for (const text of texts) {
        // node-llama-cpp cannot stop one evaluation; a caller who went away stops the rest.
        signal?.throwIfAborted();
        // Room for the start and end tokens node-llama-cpp adds.
        const tokens = this.model.tokenize(text).slice(0, EMBEDDING_CONTEXT - 3);
        vectors.push([...(await context.getEmbeddingFor(tokens)).vector]);
      }
      return vectors;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new ModelRequestError(`The embedded model ${this.embeddingModel} could not embed: ${error instanceof Error ? error.message : String(error)}`, null, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const context = await this.context?.catch(() => null);
    await context?.dispose();
  }

  private contextOnce(): Promise<LlamaEmbeddingContext> {
    if (this.closed) return Promise.reject(new Error('the model was closed'));
    if (!this.context) {
      const creating = this.model.createEmbeddingContext({ contextSize: EMBEDDING_CONTEXT, batchSize: EMBEDDING_CONTEXT, threads: this.options.threads });
      // A failure (no memory for the cache just now) is not kept: the next embed tries again.
      creating.catch(() => {
        if (this.context === creating) this.context = null;
      });
      this.context = creating;
    }
    return this.context;
  }
}
