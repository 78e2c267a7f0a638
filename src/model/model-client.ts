import type { Role } from './roles.js';

/** One chat message as every OpenAI-compatible server understands it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A JSON schema the server should constrain the reply to (OpenAI `response_format: json_schema`). */
export interface ResponseFormat {
  name: string;
  schema: Record<string, unknown>;
}

export interface ChatOptions {
  temperature?: number;
  maxOutputTokens?: number;
  responseFormat?: ResponseFormat;
  /** Forwarded to the server: "off" asks a reasoning model not to think. */
  reasoning?: 'on' | 'off';
  signal?: AbortSignal;
  /**
   * `chat` only: stop as soon as the reply so far settles what the caller needs. Checked on the
   * content as it arrives; when it returns true the request is aborted (a local server frees its
   * slot at once) and the content so far comes back with `finishReason: 'stopped'`. `constrained`
   * tells it whether the reply is being written under the `responseFormat` schema's grammar (so
   * its keys come in the schema's order and its constants are forced), or only asked to follow it.
   */
  stopWhen?: (content: string, reply: { constrained: boolean }) => boolean;
}

/**
 * Why generation ended: `stop` (the model finished), `length` (cut by `max_tokens` or the
 * context: a structured reply is then incomplete), `stopped` (the caller's `stopWhen` ended it),
 * `other` (anything else a server reports, or nothing).
 */
export type FinishReason = 'stop' | 'length' | 'stopped' | 'other';

export interface TokenUsage {
  promptTokens?: number;
  completionTokens?: number;
  /** Generation speed as the server measured it (llama.cpp `timings.predicted_per_second`). */
  tokensPerSecond?: number;
  /** Prompt processing time as the server measured it (llama.cpp `timings.prompt_ms`). */
  promptMs?: number;
  /** Prompt tokens the server reused from its prompt cache (`prompt_tokens_details.cached_tokens`, llama.cpp `timings.cache_n`). */
  cachedPromptTokens?: number;
}

export interface ModelResponse {
  role: Role;
  model: string;
  content: string;
  reasoningContent: string | null;
  usage: TokenUsage;
  latencyMs: number;
  finishReason: FinishReason;
}

export type StreamChunk =
  | { type: 'reasoning_delta'; delta: string }
  | { type: 'content_delta'; delta: string }
  /** Sent once, at the end, when the server reports token counts. */
  | { type: 'usage'; usage: TokenUsage }
  /** Sent once, last, by every backend: why generation ended. */
  | { type: 'finish'; reason: FinishReason };

export interface ModelHealth {
  configured: boolean;
  reachable: boolean;
  baseUrl: string | null;
  detail?: string;
  /** The embedding model in use, when the backend has one (see `ModelClient.embeddings`). */
  embedding?: EmbeddingInUse | null;
}

export interface EmbeddingInUse {
  /** Vectors of different models are never compared: stored vectors are tagged with this. */
  model: string;
  /** Named by DUCK_MODEL_EMBED, or found without configuration (the server said so, or the embedded engine). */
  origin: 'configured' | 'detected';
}

/** An embedding model a backend can use now. The field names are those src/memory/embeddings.ts reads. */
export interface EmbeddingSource {
  readonly embeddingModel: string;
  readonly origin: EmbeddingInUse['origin'];
  /** One vector per text, in input order; rejects with a `ModelError` on failure. */
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
}

/**
 * The contract every model backend honours. Roles call it; it never knows about tasks or HTTP.
 * Failures reject with a `ModelError` subclass (see ../errors.ts), never with a raw SDK error.
 */
export interface ModelClient {
  chat(role: Role, messages: ChatMessage[], options?: ChatOptions): Promise<ModelResponse>;
  streamChat(role: Role, messages: ChatMessage[], options?: ChatOptions): AsyncIterable<StreamChunk>;
  health(signal?: AbortSignal): Promise<ModelHealth>;
  /**
   * The embedding model usable now (configured, or found by asking the server), or null: none, or
   * not known yet. Never waits: the first call starts finding out in the background, and recall
   * stays lexical until the answer is in (see src/runtime/recall-embedder.ts).
   */
  embeddings?(): EmbeddingSource | null;
  /** Frees what the backend holds (the embedded engine's model and context). */
  close?(): Promise<void>;
}
