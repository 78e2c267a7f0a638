import type { ModelConfig } from '../config.js';
import { createEmbeddedClient } from './embedded/lazy-embedded-client.js';
import type { ModelClient } from './model-client.js';
import { OpenAICompatibleClient } from './openai-compatible-client.js';
import { RoleRouter } from './role-router.js';
import { ROLES, type Role } from './roles.js';
import { UnconfiguredModelClient } from './unconfigured-client.js';

export interface ModelClientDeps {
  /** For tests: the fetch every server client uses. */
  fetch?: typeof fetch;
}

/**
 * The backend the configuration names: one client per server URL, behind a RoleRouter when the
 * config file gives roles different servers. A role without a server gets the unconfigured
 * client, whose every chat ends with a clear how-to error.
 */
export function createModelClient(config: ModelConfig, deps: ModelClientDeps = {}): ModelClient {
  const roleDefaults = Object.fromEntries(ROLES.map((role) => [role, { temperature: config.roles[role]?.temperature, maxTokens: config.roles[role]?.maxTokens }]));
  // A GGUF file serves every role in-process; no server is involved.
  if (config.modelPath) return createEmbeddedClient({ modelPath: config.modelPath, ...config.embedded, roleDefaults, embeddings: config.embeddingModel !== 'off' });
  const urlOf = (role: Role) => config.roles[role]?.baseUrl ?? config.baseUrl;
  const clients = new Map<string | null, ModelClient>();
  for (const role of ROLES) {
    const url = urlOf(role);
    if (clients.has(url)) continue;
    const client = url
      ? new OpenAICompatibleClient({
          baseUrl: url,
          models: config.models,
          server: config.server,
          roleDefaults,
          idleTimeoutMs: config.idleTimeoutMs,
          embeddingModel: config.embeddingModel,
          ...(config.apiKey ? { apiKey: config.apiKey } : {}),
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        })
      : new UnconfiguredModelClient();
    clients.set(url, client);
  }
  if (clients.size === 1) return [...clients.values()][0]!;
  return new RoleRouter(Object.fromEntries(ROLES.map((role) => [role, clients.get(urlOf(role))!])) as Record<Role, ModelClient>);
}
