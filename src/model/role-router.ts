import type { ChatMessage, ChatOptions, EmbeddingSource, ModelClient, ModelHealth, ModelResponse, StreamChunk } from './model-client.js';
import { ROLES, type Role } from './roles.js';

/**
 * Sends each role to its own backend, for a config file that gives roles their own servers
 * (a small fast model for `action`, a big one for `thinker`).
 */
export class RoleRouter implements ModelClient {
  constructor(private readonly routes: Record<Role, ModelClient>) {}

  /** Embeddings serve recall, so they come from the recall role's server. */
  embeddings(): EmbeddingSource | null {
    return this.routes.recall.embeddings?.() ?? null;
  }

  chat(role: Role, messages: ChatMessage[], options?: ChatOptions): Promise<ModelResponse> {
    return this.routes[role].chat(role, messages, options);
  }

  streamChat(role: Role, messages: ChatMessage[], options?: ChatOptions): AsyncIterable<StreamChunk> {
    return this.routes[role].streamChat(role, messages, options);
  }

  /**
   * Every backend is asked. The answer is reachable only when all are, since any role's server
   * being down breaks turns; `baseUrl` is the thinker's, the one that writes the answers.
   */
  async health(signal?: AbortSignal): Promise<ModelHealth> {
    const backends = [...new Set(ROLES.map((role) => this.routes[role]))];
    const results = await Promise.all(backends.map((backend) => backend.health(signal)));
    const thinker = results[backends.indexOf(this.routes.thinker)]!;
    const detail = backends
      .map((backend, i) => {
        const roles = ROLES.filter((role) => this.routes[role] === backend).join(', ');
        const result = results[i]!;
        return `${roles} (${result.baseUrl ?? 'no server'}): ${result.detail ?? (result.reachable ? 'reachable' : 'unreachable')}`;
      })
      .join('; ');
    return {
      configured: results.every((r) => r.configured),
      reachable: results.every((r) => r.reachable),
      baseUrl: thinker.baseUrl,
      detail,
      embedding: results[backends.indexOf(this.routes.recall)]!.embedding ?? null,
    };
  }
}
