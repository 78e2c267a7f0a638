import { ModelUnavailableError } from '../errors.js';
import type { ModelClient, ModelHealth, ModelResponse, StreamChunk } from './model-client.js';

export const NOT_CONFIGURED_MESSAGE =
  'No model server was found on this machine, and none is configured. Start one where it usually listens (llama-server on port 8080, Ollama 11434, ' +
  'LM Studio 1234, vLLM 8000) and ducklm finds it; or choose one in Settings (`ducklm models` in the terminal); or set ' +
  'DUCK_MODEL_BASE_URL=http://127.0.0.1:8080/v1 (your server\'s /v1 URL), or DUCK_MODEL_PATH to a GGUF file.';

/** Stands in when DUCK_MODEL_BASE_URL is unset, so the server still starts and every chat explains the fix. */
export class UnconfiguredModelClient implements ModelClient {
  /** `message`: what to do, when more is known (servers found, none chosen). */
  constructor(readonly message = NOT_CONFIGURED_MESSAGE) {}

  async chat(): Promise<ModelResponse> {
    throw new ModelUnavailableError(this.message, null);
  }

  /** Fails on the first read, as a stream from an unreachable server would. */
  async *streamChat(): AsyncGenerator<StreamChunk> {
    throw new ModelUnavailableError(this.message, null);
  }

  async health(): Promise<ModelHealth> {
    return { configured: false, reachable: false, baseUrl: null, detail: 'No model server found or configured.' };
  }
}
