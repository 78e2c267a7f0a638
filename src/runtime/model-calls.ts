import type { ChatMessage, ChatOptions, ModelResponse, StreamChunk, TokenUsage } from '../model/model-client.js';
import type { Role } from '../model/roles.js';
import type { TaskContext } from './task-context.js';

/** Rough token count for servers that report none: about four characters a token. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

const promptChars = (messages: ChatMessage[]) => messages.reduce((n, m) => n + m.content.length, 0);

/** One non-streamed role call, recorded in the task's stats and its event log. */
export async function callRole(ctx: TaskContext, role: Role, messages: ChatMessage[], options: ChatOptions = {}): Promise<ModelResponse> {
  const started = performance.now();
  try {
    const response = await ctx.deps.model.chat(role, messages, { ...options, signal: ctx.signal });
    const completionTokens = response.usage.completionTokens ?? estimateTokens(response.content + (response.reasoningContent ?? ''));
    record(ctx, role, response.model, messages, response.latencyMs, completionTokens, response.usage, null, true);
    return response;
  } catch (error) {
    record(ctx, role, undefined, messages, performance.now() - started, 0, {}, null, false);
    throw error;
  }
}

/** One streamed role call: yields its chunks and records the call when the stream ends. */
export async function* streamRole(ctx: TaskContext, role: Role, messages: ChatMessage[], options: ChatOptions = {}): AsyncGenerator<StreamChunk> {
  const started = performance.now();
  let firstTokenMs: number | null = null;
  let deltas = 0;
  let usage: TokenUsage = {};
  let ok = false;
  try {
    for await (const chunk of ctx.deps.model.streamChat(role, messages, { ...options, signal: ctx.signal })) {
      if (chunk.type === 'usage') {
        usage = chunk.usage;
        continue;
      }
      if (chunk.type === 'finish') {
        if (chunk.reason === 'length') ctx.emitter.emit({ type: 'reply_cut', role });
        continue;
      }
      firstTokenMs ??= performance.now() - started;
      deltas++;
      yield chunk;
    }
    ok = true;
  } finally {
    // Servers send about one token per delta; their own count wins when they give it.
    const completionTokens = usage.completionTokens ?? deltas;
    record(ctx, role, undefined, messages, performance.now() - started, completionTokens, usage, firstTokenMs, ok);
  }
}

function record(
  ctx: TaskContext,
  role: Role,
  model: string | undefined,
  messages: ChatMessage[],
  latencyMs: number,
  completionTokens: number,
  usage: TokenUsage,
  firstTokenMs: number | null,
  ok: boolean,
): void {
  const chars = promptChars(messages);
  ctx.state.calls.push({
    role,
    latencyMs,
    completionTokens,
    promptTokens: usage.promptTokens ?? Math.ceil(chars / 4),
    firstTokenMs,
    ...(usage.tokensPerSecond ? { tokensPerSecond: usage.tokensPerSecond } : {}),
    ...(usage.cachedPromptTokens !== undefined ? { cachedPromptTokens: usage.cachedPromptTokens } : {}),
    ...(usage.promptMs !== undefined ? { promptMs: usage.promptMs } : {}),
  });
  ctx.emitter.emit({
    type: 'model_call',
    role,
    ...(model ? { model } : {}),
    prompt_chars: chars,
    latency_ms: round(latencyMs),
    completion_tokens: completionTokens,
    ...(usage.promptTokens !== undefined ? { prompt_tokens: usage.promptTokens } : {}),
    ...(usage.cachedPromptTokens !== undefined ? { cached_prompt_tokens: usage.cachedPromptTokens } : {}),
    ok,
  });
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
