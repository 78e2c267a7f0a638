import { ModelUnavailableError } from '../../errors.js';
import type { ChatMessage, ChatOptions, EmbeddingSource, ModelClient, ModelHealth, ModelResponse, StreamChunk } from '../model-client.js';
import type { Role } from '../roles.js';
import { EmbeddedModelClient, type EmbeddedModelOptions } from './embedded-client.js';

/**
 * The embedded engine behind a synchronous factory: the model loads on first use (or on
 * `load()`), not when the client is made, so `createModelClient` stays synchronous and the server
 * starts at once. A failed load is not remembered: the next request tries again, so fixing
 * DUCK_MODEL_PATH's file needs no restart.
 */
export class LazyEmbeddedModelClient implements ModelClient {
  private loading: Promise<EmbeddedModelClient> | null = null;
  /** The loaded model, once it is. */
  private loaded: EmbeddedModelClient | null = null;
  private closed = false;

  constructor(readonly options: EmbeddedModelOptions) {}

  /** Loads the model now; the server may call it at start so the first request does not wait. */
  load(): Promise<EmbeddedModelClient> {
    if (this.closed) return Promise.reject(new ModelUnavailableError(`The embedded model ${this.options.modelPath} was closed.`, null));
    if (!this.loading) {
      const loading = EmbeddedModelClient.open(this.options);
      loading.then(
        (client) => {
          if (this.loading === loading) this.loaded = client;
        },
        () => {
          if (this.loading === loading) this.loading = null;
        },
      );
      this.loading = loading;
    }
    return this.loading;
  }

  async chat(role: Role, messages: ChatMessage[], options?: ChatOptions): Promise<ModelResponse> {
    return (await this.load()).chat(role, messages, options);
  }

  async *streamChat(role: Role, messages: ChatMessage[], options?: ChatOptions): AsyncGenerator<StreamChunk> {
    yield* (await this.load()).streamChat(role, messages, options);
  }

  /**
   * The model's embeddings once it is loaded; until then none, rather than making recall wait
   * for a load (a chat loads it, and the server may load it at start).
   */
  embeddings(): EmbeddingSource | null {
    return this.loaded?.embeddings() ?? null;
  }

  /** Loads the model if need be: "reachable" means it loaded and can answer. */
  async health(): Promise<ModelHealth> {
    try {
      return await (await this.load()).health();
    } catch (error) {
      if (!(error instanceof ModelUnavailableError)) throw error;
      return { configured: true, reachable: false, baseUrl: null, detail: error.message };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const loading = this.loading;
    this.loading = null;
    this.loaded = null;
    const client = await loading?.catch(() => null);
    await client?.close();
  }
}

/** What `createModelClient` returns for DUCK_MODEL_PATH. */
export function createEmbeddedClient(options: EmbeddedModelOptions): LazyEmbeddedModelClient {
  return new LazyEmbeddedModelClient(options);
}
