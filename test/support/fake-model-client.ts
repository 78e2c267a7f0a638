import { ModelUnavailableError } from '../../src/errors.js';
import type { ChatMessage, ChatOptions, ModelClient, ModelHealth, ModelResponse, StreamChunk } from '../../src/model/model-client.js';
import type { Role } from '../../src/model/roles.js';

/** A scripted reply: a string as is, anything else as JSON. */
export type Reply = string | Record<string, unknown>;
export type ChatScript = Reply | Reply[] | ((messages: ChatMessage[], options: ChatOptions) => Reply);
export type StreamScript = StreamChunk[] | ((messages: ChatMessage[], options: ChatOptions) => StreamChunk[] | AsyncIterable<StreamChunk>);

export interface RecordedCall {
  kind: 'chat' | 'stream';
  role: Role;
  messages: ChatMessage[];
  options: ChatOptions;
}

/**
 * A hand-written ModelClient for tests: each role answers from its script (a value, a list
 * used in order, or a function), and every call is recorded. A role with no script fails the
 * call, the way an unexpected model call should.
 */
export class FakeModelClient implements ModelClient {
  readonly calls: RecordedCall[] = [];
  private readonly used = new Map<Role, number>();

  constructor(private readonly script: { chat?: Partial<Record<Role, ChatScript>>; stream?: StreamScript } = {}) {}

  roles(kind?: RecordedCall['kind']): Role[] {
    return this.calls.filter((c) => !kind || c.kind === kind).map((c) => c.role);
  }

  async chat(role: Role, messages: ChatMessage[], options: ChatOptions = {}): Promise<ModelResponse> {
    this.calls.push({ kind: 'chat', role, messages, options });
    const script = this.script.chat?.[role];
    if (script === undefined) throw new Error(`FakeModelClient: unexpected chat call for role "${role}"`);
    let reply: Reply;
    if (typeof script === 'function') reply = script(messages, options);
    else if (Array.isArray(script)) {
      const n = this.used.get(role) ?? 0;
      this.used.set(role, n + 1);
      reply = script[Math.min(n, script.length - 1)]!;
    } else reply = script;
    const content = typeof reply === 'string' ? reply : JSON.stringify(reply);
    return { role, model: 'local-main', content, reasoningContent: null, usage: {}, latencyMs: 1 };
  }

  async *streamChat(role: Role, messages: ChatMessage[], options: ChatOptions = {}): AsyncIterable<StreamChunk> {
    this.calls.push({ kind: 'stream', role, messages, options });
    const script = this.script.stream;
    if (script === undefined) throw new Error(`FakeModelClient: unexpected stream call for role "${role}"`);
    yield* typeof script === 'function' ? script(messages, options) : script;
  }

  async health(): Promise<ModelHealth> {
    return { configured: true, reachable: true, baseUrl: 'fake://model' };
  }
}

/** A model that is configured nowhere, like a fresh install. */
export class DownModelClient implements ModelClient {
  async chat(): Promise<ModelResponse> {
    throw new ModelUnavailableError('Cannot reach the model server at http://127.0.0.1:9/v1 (connection refused).', 'http://127.0.0.1:9/v1');
  }
  // eslint-disable-next-line require-yield
  async *streamChat(): AsyncIterable<StreamChunk> {
    throw new ModelUnavailableError('Cannot reach the model server at http://127.0.0.1:9/v1 (connection refused).', 'http://127.0.0.1:9/v1');
  }
  async health(): Promise<ModelHealth> {
    return { configured: true, reachable: false, baseUrl: 'http://127.0.0.1:9/v1' };
  }
}

export const directive = (actions: { tool: string; args: Record<string, unknown>; reason?: string }[] = [], riskLevel = 'none', intent = 'answer directly') => ({
  kind: 'action_directive',
  intent,
  risk_level: riskLevel,
  actions: actions.map((a) => ({ reason: '', ...a })),
});

export const hasObservations = (messages: ChatMessage[]) => messages.some((m) => m.content.includes('tool_observations'));
