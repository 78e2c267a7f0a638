import { ModelUnavailableError } from '../errors.js';
import type { ModelClient, ModelHealth, ModelResponse, StreamChunk } from './model-client.js';

export const NOT_CONFIGURED_MESSAGE =
  'No model server is configured. Set DUCK_MODEL_BASE_URL to your OpenAI-compatible server, e.g. DUCK_MODEL_BASE_URL=http://127.0.0.1:8080/v1 for llama-server or http://127.0.0.1:11434/v1 for Ollama.';

/** Stands in when DUCK_MODEL_BASE_URL is unset, so the server still starts and every chat explains the fix. */
export class UnconfiguredModelClient implements ModelClient {
  async chat(): Promise<ModelResponse> {
    throw new ModelUnavailableError(NOT_CONFIGURED_MESSAGE, null);
  }

  /** Fails on the first read, as a stream from an unreachable server would. */
  async *streamChat(): AsyncGenerator<StreamChunk> {
    throw new ModelUnavailableError(NOT_CONFIGURED_MESSAGE, null);
  }

  async health(): Promise<ModelHealth> {
    return { configured: false, reachable: false, baseUrl: null, detail: 'DUCK_MODEL_BASE_URL is not set.' };
  }
}
