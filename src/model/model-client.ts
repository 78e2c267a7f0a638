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
}

export interface TokenUsage {
  promptTokens?: number;
  completionTokens?: number;
  /** Generation speed as the server measured it (llama.cpp `timings.predicted_per_second`). */
  tokensPerSecond?: number;
  /** Prompt processing time as the server measured it (llama.cpp `timings.prompt_ms`). */
  promptMs?: number;
}

export interface ModelResponse {
  role: Role;
  model: string;
  content: string;
  reasoningContent: string | null;
  usage: TokenUsage;
  latencyMs: number;
}

export type StreamChunk =
  | { type: 'reasoning_delta'; delta: string }
  | { type: 'content_delta'; delta: string }
  /** Sent once, at the end, when the server reports token counts. */
  | { type: 'usage'; usage: TokenUsage };

export interface ModelHealth {
  configured: boolean;
  reachable: boolean;
  baseUrl: string | null;
  detail?: string;
}

/**
 * The contract every model backend honours. Roles call it; it never knows about tasks or HTTP.
 * Failures reject with a `ModelError` subclass (see ../errors.ts), never with a raw SDK error.
 */
export interface ModelClient {
  chat(role: Role, messages: ChatMessage[], options?: ChatOptions): Promise<ModelResponse>;
  streamChat(role: Role, messages: ChatMessage[], options?: ChatOptions): AsyncIterable<StreamChunk>;
  health(signal?: AbortSignal): Promise<ModelHealth>;
  /** Text embeddings, for backends configured with an embedding model (see src/memory/embeddings.ts). */
  embed?(texts: string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
  /** The model `embed` uses; vectors of different models are never compared. */
  readonly embeddingModel?: string;
  /** Frees what the backend holds (the embedded engine's model and context). */
  close?(): Promise<void>;
}
