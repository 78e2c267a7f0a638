import type { Config } from '../config.js';
import type { ModelClient } from './model-client.js';
import { OpenAICompatibleClient } from './openai-compatible-client.js';
import { UnconfiguredModelClient } from './unconfigured-client.js';

/** The backend the configuration names; without one, every chat ends with a clear how-to error. */
export function createModelClient(config: Config['model']): ModelClient {
  if (!config.baseUrl) return new UnconfiguredModelClient();
  return new OpenAICompatibleClient({ baseUrl: config.baseUrl, models: config.models, ...(config.apiKey ? { apiKey: config.apiKey } : {}) });
}
