import { ModelUnavailableError } from '../../src/errors.js';
import type { ChatMessage, ChatOptions, ModelClient, ModelHealth, ModelResponse, StreamChunk } from '../../src/model/model-client.js';
import type { Role } from '../../src/model/roles.js';

/** A reply the server cut at a length limit (`max_tokens`, or the context's end) after `completionTokens`. */
export class CutReply {
  constructor(
    readonly content: string,
    readonly completionTokens: number,
  ) {}
}

/** A scripted reply: a string as is, a cut one as cut, anything else as JSON. */
export type Reply = string | CutReply | Record<string, unknown>;
export type ChatScript = Reply | Reply[] | ((messages: ChatMessage[], options: ChatOptions) => Reply | Promise<Reply>);
export type StreamScript = StreamChunk[] | ((messages: ChatMessage[], options: ChatOptions) => StreamChunk[] | AsyncIterable<StreamChunk>);

export interface RecordedCall {
  kind: 'chat' | 'stream';
  role: Role;
  messages: ChatMessage[];
  options: ChatOptions;
  /** Set for a `chat` call that `stopWhen` ended: the reply was read only up to here. */
  stoppedAt?: number;
}

/**
 * A hand-written ModelClient for tests: each role answers from its script (a value, a list
 * used in order, or a function, possibly async), and every call is recorded. A role with no
 * script fails the call, the way an unexpected model call should; `assertComplete` fails a test
 * whose scripted lists were not all used.
 *
 * Like a real backend it honours `stopWhen` (the reply is fed to it as it would stream, character
 * by character, and cut where it says stop) and reports a finish reason.
 */
export class FakeModelClient implements ModelClient {
  readonly calls: RecordedCall[] = [];
  private readonly used = new Map<Role, number>();

  constructor(private readonly script: { chat?: Partial<Record<Role, ChatScript>>; stream?: StreamScript } = {}) {}

  roles(kind?: RecordedCall['kind']): Role[] {
    return this.calls.filter((c) => !kind || c.kind === kind).map((c) => c.role);
  }

  async chat(role: Role, messages: ChatMessage[], options: ChatOptions = {}): Promise<ModelResponse> {
    const call: RecordedCall = { kind: 'chat', role, messages, options };
    this.calls.push(call);
    const script = this.script.chat?.[role];
    if (script === undefined) throw new Error(`FakeModelClient: unexpected chat call for role "${role}"`);
    let reply: Reply;
    if (typeof script === 'function') reply = await script(messages, options);
    else if (Array.isArray(script)) {
      const n = this.used.get(role) ?? 0;
      this.used.set(role, n + 1);
      reply = script[Math.min(n, script.length - 1)]!;
    } else reply = script;
    options.signal?.throwIfAborted();
    if (reply instanceof CutReply) {
      return { role, model: 'local-main', content: reply.content, reasoningContent: null, usage: { completionTokens: reply.completionTokens }, latencyMs: 1, finishReason: 'length' };
    }
    const full = typeof reply === 'string' ? reply : JSON.stringify(reply);
    // Like a server with a grammar: a reply asked for with a schema is written under it.
    const stop = options.stopWhen ? stopPoint(full, (content) => options.stopWhen!(content, { constrained: options.responseFormat !== undefined })) : null;
    if (stop !== null) call.stoppedAt = stop;
    const content = stop === null ? full : full.slice(0, stop);
    return { role, model: 'local-main', content, reasoningContent: null, usage: {}, latencyMs: 1, finishReason: stop === null ? 'stop' : 'stopped' };
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

  /** Fails when a role scripted with a list was called fewer times than the list is long. */
  assertComplete(): void {
    for (const [role, script] of Object.entries(this.script.chat ?? {})) {
      if (!Array.isArray(script)) continue;
      const n = this.used.get(role as Role) ?? 0;
      if (n < script.length) throw new Error(`FakeModelClient: role "${role}" used ${n} of its ${script.length} scripted replies`);
    }
  }
}

/** Where a streaming reader with this `stopWhen` would have hung up, or null when it reads it all. */
function stopPoint(content: string, stopWhen: (content: string) => boolean): number | null {
  for (let i = 1; i < content.length; i++) if (stopWhen(content.slice(0, i))) return i;
  return null;
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

/** A directive as the seed's fakes write it: `{kind, intent, risk_level, actions}`. */
export const directive = (actions: { tool: string; args: Record<string, unknown>; reason?: string }[] = [], riskLevel = 'none', intent = 'answer directly') => ({
  kind: 'action_directive',
  intent,
  risk_level: riskLevel,
  actions: actions.map((a) => ({ reason: '', ...a })),
});

/** The planner's replies as ducklm asks for them: the deciding key first. */
export const answerNow = { answer_now: true };
export const useTools = (actions: { tool: string; args: Record<string, unknown>; reason?: string }[], final = true, riskLevel = 'low') => ({
  actions: actions.map((a) => ({ reason: '', ...a })),
  risk_level: riskLevel,
  final,
});

/** Whether this turn's tools have run: their results are in the last message (earlier turns' are in the history). */
export const hasObservations = (messages: ChatMessage[]) => messages.at(-1)?.content.includes('tool_observations') ?? false;
