import type { ChatMessage, ChatOptions, EmbeddingSource, ModelClient, ModelHealth, ModelResponse, StreamChunk } from './model-client.js';
import type { Role } from './roles.js';

/**
 * The model client the runtime holds for its whole life, passing each call to the backend chosen
 * now: a model picked in Settings takes effect for the next call, without a restart. A call
 * already running finishes on the backend it started on, which is closed once none is left.
 */
export class LiveModelClient implements ModelClient {
  private inFlight = new Map<ModelClient, number>();
  private retired = new Set<ModelClient>();

  constructor(private backend: ModelClient) {}

  get current(): ModelClient {
    return this.backend;
  }

  /** Later calls go to `next`; the previous backend closes when its calls are done. */
  switchTo(next: ModelClient): void {
    if (next === this.backend) return;
    const previous = this.backend;
    this.backend = next;
    this.retired.add(previous);
    void this.closeIfIdle(previous);
  }

  async chat(role: Role, messages: ChatMessage[], options?: ChatOptions): Promise<ModelResponse> {
    const backend = this.enter();
    try {
      return await backend.chat(role, messages, options);
    } finally {
      this.leave(backend);
    }
  }

  async *streamChat(role: Role, messages: ChatMessage[], options?: ChatOptions): AsyncGenerator<StreamChunk> {
    const backend = this.enter();
    try {
      yield* backend.streamChat(role, messages, options);
    } finally {
      this.leave(backend);
    }
  }

  health(signal?: AbortSignal): Promise<ModelHealth> {
    return this.backend.health(signal);
  }

  embeddings(): EmbeddingSource | null {
    return this.backend.embeddings?.() ?? null;
  }

  async close(): Promise<void> {
    await Promise.all([this.backend, ...this.retired].map((b) => b.close?.()));
  }

  private enter(): ModelClient {
    const backend = this.backend;
    this.inFlight.set(backend, (this.inFlight.get(backend) ?? 0) + 1);
    return backend;
  }

  private leave(backend: ModelClient): void {
    const left = (this.inFlight.get(backend) ?? 1) - 1;
    if (left > 0) this.inFlight.set(backend, left);
    else this.inFlight.delete(backend);
    void this.closeIfIdle(backend);
  }

  private async closeIfIdle(backend: ModelClient): Promise<void> {
    if (!this.retired.has(backend) || this.inFlight.has(backend)) return;
    this.retired.delete(backend);
    await backend.close?.();
  }
}
