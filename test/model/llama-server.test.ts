// Our OpenAI-compatible client against a real llama.cpp llama-server, on a random-weight GGUF
// the repo's own script writes. The text is gibberish, but what ducklm relies on is real: the
// chat template that opens <think>, the reasoning parser, the JSON schema grammar, finish
// reasons, the per-slot prompt cache, and cancellation when the client hangs up.
//
// The server comes from ../shared/llama-server/ beside the repository, or DUCK_TEST_LLAMA_SERVER
// (a llama-server binary; chat templates from DUCK_TEST_LLAMA_TEMPLATES or its folder's
// templates/). Without one the tests are skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TinyGgufOptions } from '../../scripts/make-tiny-gguf.mjs';
import { jsonInstruction, type ChatBody } from '../../src/model/chat-request.js';
import type { ChatMessage } from '../../src/model/model-client.js';
import { OpenAICompatibleClient } from '../../src/model/openai-compatible-client.js';
import { FIRST_EXCHANGE_FORMAT, memoryDecisionSchema, ROLE_FORMATS } from '../../src/model/role-replies.js';
import { LLAMA_SERVER_AVAILABLE as AVAILABLE, noteIfSkipped, startLlamaServer, STARTUP_DEADLINE_MS, THINKING_TEMPLATE, waitUntil, type LlamaServer } from '../support/llama-server.js';
import { collect, joined, sameModel, usageOf } from './model-test-helpers.js';

noteIfSkipped();

/** Big enough that a long reply takes seconds (about 300 tokens/s on one core), small enough to write in a second. */
const MODEL_SHAPE = { embeddingLength: 512, blockCount: 4, feedForwardLength: 2048, headCount: 8, headCountKv: 4 };
const SLOW = 120_000;

const ask: ChatMessage[] = [
  { role: 'system', content: 'You are ducklm, a careful assistant on this computer. Decide how to handle the request.' },
  { role: 'user', content: 'List the files in my home folder.' },
];
const routing = {
  name: 'route',
  schema: { type: 'object', properties: { route: { type: 'string', enum: ['answer', 'tool', 'ask'] } }, required: ['route'], additionalProperties: false },
};

/** The server under test in the current block, for the helpers below. */
let server: LlamaServer;
/** `auto`: it must find out by itself that this is llama-server. */
let client: OpenAICompatibleClient;
/** For replies that must run to their token limit (see `ignoringEos`). */
let longClient: OpenAICompatibleClient;

/** Starts a server for the tests of one `describe` block, and our two clients for it. */
function useServer(args: string[], shape: TinyGgufOptions = {}): void {
  let mine: LlamaServer | undefined;
  beforeAll(async () => {
    server = mine = await startLlamaServer(args, shape);
    const options = { baseUrl: `${server.root}/v1`, models: sameModel('tiny'), server: 'auto' as const, timeoutMs: SLOW };
    client = new OpenAICompatibleClient(options);
    longClient = new OpenAICompatibleClient({ ...options, fetch: ignoringEos });
    expect(await client.serverDialect()).toBe('llamacpp');
  }, STARTUP_DEADLINE_MS + 30_000);
  afterAll(() => mine?.stop(), 30_000);
}

describe.skipIf(!AVAILABLE)('a real llama-server, through our client', () => {
  // One slot, so that a request can only start once the one before it has let go of the slot.
  useServer(['--chat-template-file', THINKING_TEMPLATE, '-np', '1', '--slots', '--metrics'], MODEL_SHAPE);

  it('a structured call with reasoning off answers valid JSON at once, without thinking', async () => {
    const reply = await client.chat('action', ask, { responseFormat: routing, reasoning: 'off', maxOutputTokens: 64 });

    expect(reply.finishReason).toBe('stop');
    expect(['answer', 'tool', 'ask']).toContain((JSON.parse(reply.content) as { route: string }).route);
    expect(reply.reasoningContent ?? '').toBe('');
    expect(reply.usage.completionTokens).toBeLessThan(64);
  }, SLOW);

  it('a schema goes in llama.cpp\'s own form (json_object with schema), which the server holds the reply to', async () => {
    const sent: ChatBody[] = [];
    const recording = new OpenAICompatibleClient({ baseUrl: `${server.root}/v1`, models: sameModel('tiny'), server: 'auto', fetch: recordingBodies(sent) });
    // Values random weights would never write unless the grammar forced them; room for the
    // whitespace the grammar allows between tokens.
    const schema = { type: 'object', properties: { color: { type: 'string', enum: ['vermilion-seven', 'ultramarine-nine'] } }, required: ['color'], additionalProperties: false };

    for (const reply of [
      await recording.chat('action', ask, { responseFormat: { name: 'color', schema }, reasoning: 'off', maxOutputTokens: 256 }),
      await recording.chat('action', ask, { responseFormat: { name: 'color', schema }, reasoning: 'off', maxOutputTokens: 256, stopWhen: () => false }),
    ]) {
      expect(reply.finishReason).toBe('stop');
      expect(['vermilion-seven', 'ultramarine-nine']).toContain((JSON.parse(reply.content) as { color: string }).color);
    }
    expect(sent.map((body) => body.response_format)).toEqual([
      { type: 'json_object', schema },
      { type: 'json_object', schema },
    ]);
  }, SLOW);

  it('the memory policy\'s formats, a first exchange\'s (room for a title) and any other\'s, are answered with a decision that parses', async () => {
    for (const responseFormat of [FIRST_EXCHANGE_FORMAT, ROLE_FORMATS.memory_policy]) {
      const reply = await client.chat('memory_policy', [{ role: 'user', content: 'hello [memory policy]' }], { responseFormat, reasoning: 'off', maxOutputTokens: 320, temperature: 0 });
      expect(reply.finishReason).toBe('stop');
      expect(memoryDecisionSchema.safeParse(JSON.parse(reply.content)).success).toBe(true);
    }
  }, SLOW);

  it('without reasoning off, the same call spends its tokens thinking (why every structured role turns it off)', async () => {
    const reply = await longClient.chat('action', ask, { responseFormat: routing, maxOutputTokens: 32 });

    expect(reply.finishReason).toBe('length');
    expect(reply.reasoningContent).toBeTruthy();
    expect(reply.content).toBe('');
  }, SLOW);

  it('a conversation that grows at its end is served from the prompt cache', async () => {
    const first = [{ role: 'system' as const, content: 'You are ducklm, a careful local assistant. '.repeat(6) }, ask[1]!];
    const a = await client.chat('thinker', first, { reasoning: 'off', maxOutputTokens: 8 });
    const b = await client.chat('thinker', [...first, { role: 'assistant', content: a.content }, { role: 'user', content: 'And the hidden ones?' }], {
      reasoning: 'off',
      maxOutputTokens: 8,
    });

    const firstPrompt = a.usage.promptTokens ?? 0;
    expect(firstPrompt).toBeGreaterThan(100);
    expect(b.usage.promptTokens).toBeGreaterThan(firstPrompt);
    expect(b.usage.cachedPromptTokens).toBeGreaterThan(firstPrompt / 2);
  }, SLOW);

  it('stopWhen ends a long generation early and frees the slot for the next request', async () => {
    const before = await metric('llamacpp:tokens_predicted_total');
    const stopped = await longClient.chat('thinker', ask, { reasoning: 'off', maxOutputTokens: 2000, stopWhen: (content) => content.length >= 20 });
    expect(stopped.finishReason).toBe('stopped');
    expect(stopped.content.length).toBeGreaterThanOrEqual(20);

    // With one slot, this request's first token can only come once the stopped one let go.
    const started = performance.now();
    let firstTokenMs: number | undefined;
    const next = [];
    for await (const chunk of longClient.streamChat('critic', ask, { reasoning: 'off', maxOutputTokens: 32 })) {
      if (chunk.type === 'content_delta' || chunk.type === 'reasoning_delta') firstTokenMs ??= performance.now() - started;
      next.push(chunk);
    }
    expect(next.at(-1)).toEqual({ type: 'finish', reason: 'length' });
    await until(async () => (await slots()).every((slot) => !slot.is_processing), 'no slot processing');

    // Tokens, not time: the stopped request generated a small part of its 2000 (the 32 are the next request's).
    const predicted = (await metric('llamacpp:tokens_predicted_total')) - before - 32;
    expect(predicted).toBeGreaterThanOrEqual(1);
    expect(predicted).toBeLessThan(500);
    // And the next request did not wait for the 2000 tokens: a quarter of that time is a wide margin.
    const tokensPerSecond = usageOf(next)[0]?.tokensPerSecond ?? 0;
    expect(tokensPerSecond).toBeGreaterThan(0);
    expect(firstTokenMs).toBeLessThan(((2000 / tokensPerSecond) * 1000) / 4);
  }, SLOW);

  it('a reply cut by max_tokens ends with finishReason "length", whole or streamed', async () => {
    const reply = await longClient.chat('critic', ask, { reasoning: 'off', maxOutputTokens: 8 });
    expect(reply).toMatchObject({ finishReason: 'length', usage: { completionTokens: 8 } });

    const chunks = await collect(longClient.streamChat('thinker', ask, { reasoning: 'off', maxOutputTokens: 8 }));
    expect(chunks.slice(-2).map((c) => c.type)).toEqual(['usage', 'finish']);
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'length' });
    expect(joined(chunks, 'reasoning_delta')).toBe('');
  }, SLOW);
});

describe.skipIf(!AVAILABLE)('a real llama-server without a reasoning parser (--reasoning-format none)', () => {
  useServer(['--chat-template-file', THINKING_TEMPLATE, '--reasoning-format', 'none']);

  it('refuses a JSON schema with a template that opens <think>: asked once, then the instruction; the empty think block is no answer', async () => {
    const sent: ChatBody[] = [];
    const recording = new OpenAICompatibleClient({ baseUrl: `${server.root}/v1`, models: sameModel('tiny'), server: 'llamacpp', fetch: recordingBodies(sent) });
    const structured = { responseFormat: routing, reasoning: 'off' as const, maxOutputTokens: 16 };

    // The refusal is HTTP 400 "Failed to initialize samplers: std::exception"; nothing was generated.
    const reply = await recording.chat('action', ask, structured);
    expect(sent.map((body) => 'response_format' in body)).toEqual([true, false]);
    expect(sent[1]!.messages.at(-1)!.content).toContain('Answer with only a JSON object that matches this JSON schema');
    // The server repeats the `<think>\n\n</think>` the template wrote with thinking off.
    expect(reply.reasoningContent).toBeNull();
    expect(reply.content).not.toMatch(/<\/?think>/);

    await recording.chat('action', ask, structured);
    expect(sent).toHaveLength(3);
    expect(sent[2]).not.toHaveProperty('response_format');
  }, SLOW);

  it('the planner, read to its first key, falls back past the refused schema: 400 "Failed to initialize samplers", then never sent again', async () => {
    const sent: ChatBody[] = [];
    const recording = new OpenAICompatibleClient({ baseUrl: `${server.root}/v1`, models: sameModel('tiny'), server: 'auto', fetch: recordingBodies(sent) });
    const planner = { responseFormat: ROLE_FORMATS.action, reasoning: 'off' as const, maxOutputTokens: 16 };
    // What the planner does (structured-call.ts readDecision): a streamed call that may end early.
    const seen: { constrained: boolean }[] = [];
    const reply = await recording.chat('action', ask, { ...planner, stopWhen: (_content, how) => (seen.push(how), false) });

    expect(sent.map((body) => body.response_format?.type ?? null)).toEqual(['json_object', null]);
    expect(sent[1]!.messages.at(-1)!.content).toContain(jsonInstruction(ROLE_FORMATS.action));
    expect(['stop', 'length']).toContain(reply.finishReason);
    // Written under the instruction only: the caller must not trust the grammar's key order.
    expect(seen.every((how) => !how.constrained)).toBe(true);

    // Recall and the memory policy, whole and streamed, go straight to the instruction.
    await recording.chat('recall', ask, { ...planner, responseFormat: ROLE_FORMATS.recall });
    await collect(recording.streamChat('memory_policy', ask, { ...planner, responseFormat: ROLE_FORMATS.memory_policy }));
    expect(sent).toHaveLength(4);
    for (const body of sent.slice(2)) expect(body).not.toHaveProperty('response_format');
  }, SLOW);

  it('with thinking on, what follows the <think> the template opened is reasoning, whole or streamed', async () => {
    const reply = await longClient.chat('thinker', ask, { maxOutputTokens: 16 });
    expect(reply).toMatchObject({ content: '', finishReason: 'length' });
    expect(reply.reasoningContent).toBeTruthy();

    const chunks = await collect(longClient.streamChat('thinker', ask, { maxOutputTokens: 16 }));
    expect(joined(chunks, 'content_delta')).toBe('');
    expect(joined(chunks, 'reasoning_delta')).not.toBe('');
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  }, SLOW);
});

/** Records the body of every chat request the client sends. */
function recordingBodies(sent: ChatBody[]): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('/chat/completions') && typeof init?.body === 'string') sent.push(JSON.parse(init.body) as ChatBody);
    return fetch(input, init);
  };
}

/**
 * Random weights may pick the end token at any step, where a real model asked for a long answer
 * would not; llama-server's own `ignore_eos` keeps such a reply going to its token limit.
 */
const ignoringEos: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (!url.endsWith('/chat/completions')) return fetch(input, init);
  if (typeof init?.body !== 'string') throw new Error('expected the SDK to send a JSON string body');
  return fetch(input, { ...init, body: JSON.stringify({ ...(JSON.parse(init.body) as object), ignore_eos: true }) });
};

/** Polls a condition on the server under test until it holds, up to a generous deadline. */
const until = (condition: () => Promise<boolean>, what: string, deadlineMs = 60_000) => waitUntil(condition, what, server, deadlineMs);

async function slots(): Promise<{ is_processing: boolean }[]> {
  return (await (await fetch(`${server.root}/slots`)).json()) as { is_processing: boolean }[];
}

/** A counter from GET /metrics (Prometheus text, needs --metrics). */
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.root}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`llama-server /metrics has no ${name}`);
  return Number(line.slice(name.length + 1));
}
