/**
 * Each server flavour against a fake that reproduces its wire format: detection, reasoning
 * field, thinking toggle, stats, and what happens when it refuses a JSON schema.
 */
import { describe, expect, it } from 'vitest';
import { ModelRequestError, ModelUnavailableError } from '../../src/errors.js';
import { jsonInstruction } from '../../src/model/chat-request.js';
import type { FakeFlavor, FakeOpenAIServer, FakeScript } from '../support/fake-openai-server.js';
import { clientFor, collect, fake, hello, joined, usageOf } from './model-test-helpers.js';

const REASONING = 'Let me think about ducks.';
const ANSWER = 'Ducks quack, mostly.';
const thinking: FakeScript = () => ({ reasoning: REASONING, content: ANSWER });
const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
const responseFormat = { name: 'verdict', schema };
const auto = (server: FakeOpenAIServer) => clientFor(server.baseUrl, { server: 'auto' });

const SERVERS = ['llamacpp', 'ollama', 'vllm', 'lmstudio'] as const;
/** The request fields each server reads as "do not think" (see README, "Reasoning toggle"). */
const THINKING_OFF: Record<(typeof SERVERS)[number], Record<string, unknown>> = {
  llamacpp: { chat_template_kwargs: { enable_thinking: false }, reasoning_effort: 'none' },
  ollama: { reasoning_effort: 'none' },
  vllm: { chat_template_kwargs: { enable_thinking: false } },
  lmstudio: { reasoning_effort: 'none' },
};
/** llama-server's `timings` give speed and prompt time; the others only `usage`. */
const STATS: Record<(typeof SERVERS)[number], Record<string, number>> = {
  llamacpp: { promptTokens: 2, completionTokens: 8, tokensPerSecond: 42.5, promptMs: 12.5, cachedPromptTokens: 0 },
  ollama: { promptTokens: 2, completionTokens: 8 },
  vllm: { promptTokens: 2, completionTokens: 8 },
  lmstudio: { promptTokens: 2, completionTokens: 8 },
};

describe.each(SERVERS)('%s', (flavor) => {
  it('is detected once, lazily, on first use', async () => {
    const server = await fake(thinking, { flavor });
    const client = auto(server);
    expect(server.probes).toEqual([]);

    expect(await client.serverDialect()).toBe(flavor);
    const probes = server.probes.length;
    await client.chat('action', hello);
    await collect(client.streamChat('thinker', hello));
    expect(await client.serverDialect()).toBe(flavor);
    expect(server.probes).toHaveLength(probes);
    expect((await client.health()).detail).toMatch(/model\(s\) available: fake-model/);
  });

  it('streams the reasoning field as reasoning_delta, never as content', async () => {
    const server = await fake(thinking, { flavor });
    const chunks = await collect(auto(server).streamChat('thinker', hello));

    expect(joined(chunks, 'reasoning_delta')).toBe(REASONING);
    expect(joined(chunks, 'content_delta')).toBe(ANSWER);
    expect(chunks.filter((c) => c.type === 'content_delta').some((c) => c.delta.includes('think'))).toBe(false);
  });

  it('gives the reasoning of a non-streamed reply as reasoningContent', async () => {
    const server = await fake(thinking, { flavor });
    expect(await auto(server).chat('recall', hello)).toMatchObject({ content: ANSWER, reasoningContent: REASONING });
  });

  it(`turns thinking off with ${JSON.stringify(THINKING_OFF[flavor])}`, async () => {
    const server = await fake(thinking, { flavor });
    const client = auto(server);
    const reply = await client.chat('action', hello, { reasoning: 'off' });
    const chunks = await collect(client.streamChat('thinker', hello, { reasoning: 'off' }));

    for (const request of server.requests) {
      expect(request.body).toMatchObject(THINKING_OFF[flavor]);
      for (const field of ['chat_template_kwargs', 'reasoning_effort']) {
        if (!(field in THINKING_OFF[flavor])) expect(request.body).not.toHaveProperty(field);
      }
      // Ollama's native `think` is not a field of its /v1 request: it would be ignored there.
      expect(request.body).not.toHaveProperty('think');
    }
    // The fake, like the real server, then sends no reasoning at all.
    expect(reply).toMatchObject({ content: ANSWER, reasoningContent: null });
    expect(joined(chunks, 'reasoning_delta')).toBe('');
  });

  it('reports the generation stats the server measured', async () => {
    const server = await fake(thinking, { flavor });
    const client = auto(server);
    expect(usageOf(await collect(client.streamChat('thinker', hello)))).toEqual([STATS[flavor]]);
    expect((await client.chat('critic', hello)).usage).toEqual(STATS[flavor]);
  });

  it('sends a refused JSON schema once more as an instruction, and remembers', async () => {
    const server = await fake(() => ({ content: '{"ok":true}' }), { flavor, rejectResponseFormat: true });
    const client = auto(server);

    expect((await client.chat('action', hello, { responseFormat })).content).toBe('{"ok":true}');
    expect(server.requests).toHaveLength(2);
    const [refused, retried] = server.requests;
    // llama.cpp gets its own form, which builds that ignore the OpenAI nested one enforce too.
    const sentFormat = flavor === 'llamacpp' ? { type: 'json_object', schema } : { type: 'json_schema', json_schema: { name: 'verdict', schema } };
    expect(refused!.body.response_format).toMatchObject(sentFormat);
    expect(retried!.body).not.toHaveProperty('response_format');
    expect(retried!.messages.at(-1)!.content).toBe(`hello there\n\n${jsonInstruction(responseFormat)}`);
    expect(jsonInstruction(responseFormat)).toBe(`Answer with only a JSON object that matches this JSON schema: ${JSON.stringify(schema)}`);

    // No more refused requests: streams and later calls go straight to the instruction.
    await collect(client.streamChat('memory_policy', hello, { responseFormat }));
    await client.chat('recall', hello, { responseFormat });
    expect(server.requests).toHaveLength(4);
    for (const request of server.requests.slice(2)) {
      expect(request.body).not.toHaveProperty('response_format');
      expect(request.messages.at(-1)!.content).toContain('matches this JSON schema');
    }
  });
});

describe('reasoning inside <think> in the content (no reasoning parser on the server)', () => {
  it.each(['llamacpp', 'vllm', 'openai'] as FakeFlavor[])('%s: streamed and whole replies are split', async (flavor) => {
    const server = await fake(thinking, { flavor, thinkTags: 'open' });
    const client = auto(server);
    const chunks = await collect(client.streamChat('thinker', hello));

    expect(joined(chunks, 'reasoning_delta')).toBe(REASONING);
    expect(joined(chunks, 'content_delta')).toBe(ANSWER);
    expect(await client.chat('action', hello)).toMatchObject({ content: ANSWER, reasoningContent: REASONING });
  });

  it('a template that opens <think> itself: learned from a whole reply, then streams are split', async () => {
    const server = await fake(thinking, { flavor: 'llamacpp', thinkTags: 'unclosed' });
    const client = auto(server);
    expect(await client.chat('action', hello)).toMatchObject({ content: ANSWER, reasoningContent: REASONING });

    const chunks = await collect(client.streamChat('thinker', hello));
    expect(joined(chunks, 'reasoning_delta')).toBe(REASONING);
    expect(joined(chunks, 'content_delta')).toBe(ANSWER);
  });

  it('a template that opens <think> itself: learned from a first stream', async () => {
    const server = await fake(thinking, { flavor: 'llamacpp', thinkTags: 'unclosed' });
    const client = auto(server);
    // The first stream cannot know until `</think>` arrives; the tag itself never shows.
    const first = await collect(client.streamChat('thinker', hello));
    expect(joined(first, 'content_delta')).not.toContain('</think>');
    expect(joined(first, 'content_delta').endsWith(ANSWER)).toBe(true);

    const second = await collect(client.streamChat('thinker', hello));
    expect(joined(second, 'reasoning_delta')).toBe(REASONING);
    expect(joined(second, 'content_delta')).toBe(ANSWER);
  });
});

describe('structured calls with thinking off', () => {
  const structured = { responseFormat, reasoning: 'off' as const, maxOutputTokens: 64 };

  it('Ollama before 0.12.4 refuses reasoning_effort "none": sent once more without it, and never again', async () => {
    const server = await fake(() => ({ content: '{"ok":true}' }), { flavor: 'ollama', rejectEffortNone: true });
    const client = auto(server);

    expect(await client.chat('recall', hello, structured)).toMatchObject({ content: '{"ok":true}', finishReason: 'stop' });
    await client.chat('recall', hello, structured);
    expect(server.requests.map((r) => r.body.reasoning_effort)).toEqual(['none', undefined, undefined]);
    expect(server.requests.every((r) => r.body.response_format !== undefined)).toBe(true);
  });

  it('llama-server, a template that opens <think>, --reasoning-format none: clean JSON with no reasoning, whole or streamed', async () => {
    const server = await fake(() => ({ reasoning: REASONING, content: '{"ok":true}' }), { flavor: 'llamacpp', thinkTags: 'template' });
    const client = auto(server);

    // The schema cannot be used there (HTTP 400 "Failed to initialize samplers"): asked once, then the instruction.
    const reply = await client.chat('action', hello, structured);
    expect(reply).toMatchObject({ content: '{"ok":true}', reasoningContent: null, finishReason: 'stop' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toMatchObject({ chat_template_kwargs: { enable_thinking: false }, reasoning_effort: 'none', max_tokens: 64 });
    expect(server.requests[1]!.body).not.toHaveProperty('response_format');

    const chunks = await collect(client.streamChat('memory_policy', hello, structured));
    expect(joined(chunks, 'content_delta')).toBe('{"ok":true}');
    expect(joined(chunks, 'reasoning_delta')).toBe('');
    expect(server.requests).toHaveLength(3);
  });

  it('llama-server, a template that opens <think>: with thinking on, the reasoning is kept apart from the answer', async () => {
    const server = await fake(() => ({ reasoning: REASONING, content: ANSWER }), { flavor: 'llamacpp', thinkTags: 'template' });
    const client = auto(server);
    expect(await client.chat('thinker', hello)).toMatchObject({ content: ANSWER, reasoningContent: REASONING });
    // Thinking off after the model was seen thinking: the empty block is still no answer text.
    expect(await client.chat('action', hello, { reasoning: 'off' })).toMatchObject({ content: ANSWER, reasoningContent: null });
    const chunks = await collect(client.streamChat('action', hello, { reasoning: 'off' }));
    expect(joined(chunks, 'content_delta')).toBe(ANSWER);
  });
});

describe('server states and errors', () => {
  it('llama-server still loading: a clear 503 error, no retry, health says so; fine once loaded', async () => {
    const server = await fake(thinking, { flavor: 'llamacpp', loading: true });
    const client = auto(server);
    const loading = /still loading the model \(HTTP 503\), try again in a moment/;

    expect(await client.serverDialect()).toBe('llamacpp');
    const error = await client.chat('action', hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toMatch(loading);
    await expect(collect(client.streamChat('thinker', hello))).rejects.toThrow(loading);
    expect(server.requests).toHaveLength(2);
    expect(await client.health()).toMatchObject({ reachable: false, detail: expect.stringMatching(loading) });

    server.setLoading(false);
    expect((await client.chat('action', hello)).content).toBe(ANSWER);
  });

  it('a 503 that is not about loading says the server is busy', async () => {
    const server = await fake(() => ({ status: 503, body: { error: { message: 'server busy, please try again.  maximum pending requests exceeded' } } }));
    await expect(clientFor(server.baseUrl).chat('action', hello)).rejects.toThrow(/is busy \(HTTP 503: server busy, please try again\. maximum pending/);
  });

  it('a server that refuses unknown fields (the OpenAI API) loses the toggle once, then never gets it', async () => {
    const server = await fake(thinking, { flavor: 'openai', rejectUnknownFields: true });
    const client = auto(server);
    expect(await client.serverDialect()).toBe('openai');

    expect((await client.chat('action', hello, { reasoning: 'off' })).content).toBe(ANSWER);
    await client.chat('action', hello, { reasoning: 'off' });
    expect(server.requests.map((r) => 'chat_template_kwargs' in r.body)).toEqual([true, false, false]);
  });

  it('other 4xx errors are not retried', async () => {
    const server = await fake(() => ({ status: 400, body: { error: { code: 400, message: 'the request exceeds the available context size', type: 'exceed_context_size_error' } } }), {
      flavor: 'llamacpp',
    });
    const error = await auto(server).chat('action', hello, { responseFormat, reasoning: 'off' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRequestError);
    expect((error as Error).message).toContain('exceeds the available context size');
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['vllm', { object: 'error', message: "This model's maximum context length is 2048 tokens.", type: 'BadRequestError', param: null, code: 400 }, "maximum context length is 2048"],
    ['lmstudio', { error: 'Model "qwen3-9b" not found' }, 'Model "qwen3-9b" not found'],
    ['vllm', { detail: [{ loc: ['body', 'max_tokens'], msg: 'Input should be greater than 0' }] }, 'body.max_tokens: Input should be greater than 0'],
  ] as const)('%s error body %j keeps the server\'s words', async (flavor, body, words) => {
    const server = await fake(() => ({ status: 400, body }), { flavor });
    await expect(auto(server).chat('action', hello)).rejects.toThrow(words);
  });

  it('a server that was down when first asked is asked again', async () => {
    const server = await fake(thinking, { flavor: 'ollama' });
    let down = true;
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const flaky: typeof fetch = (input, init) => (down ? Promise.reject(refused) : fetch(input, init));
    const client = clientFor(server.baseUrl, { server: 'auto', fetch: flaky });

    expect(await client.serverDialect()).toBe('openai');
    await expect(client.chat('action', hello)).rejects.toThrow(/Cannot reach the model server .* \(connection refused\)/);
    down = false;
    expect(await client.serverDialect()).toBe('ollama');
  });

  it('a caller that aborts while the server is being asked is let go at once', async () => {
    const server = await fake(thinking, { flavor: 'vllm' });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // Detection probes hang until released; the caller's abort must not wait for them.
    const slow: typeof fetch = async (input, init) => {
      await held;
      return fetch(input, init);
    };
    const client = clientFor(server.baseUrl, { server: 'auto', fetch: slow });
    const controller = new AbortController();
    const pending = client.chat('action', hello, { signal: controller.signal });
    const reason = new Error('user went away');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);

    release();
    expect(await client.serverDialect()).toBe('vllm');
  });

  it('an explicit server setting skips detection', async () => {
    const server = await fake(thinking, { flavor: 'vllm' });
    const client = clientFor(server.baseUrl, { server: 'ollama' });
    await client.chat('action', hello, { reasoning: 'off' });
    expect(server.probes).toEqual([]);
    expect(server.requests[0]!.body).toMatchObject({ reasoning_effort: 'none' });
  });

  it('applies per-role defaults only when the call passes nothing', async () => {
    const server = await fake(() => ({ content: 'ok' }));
    const client = clientFor(server.baseUrl, { roleDefaults: { action: { temperature: 0, maxTokens: 256 } } });
    await client.chat('action', hello);
    await client.chat('action', hello, { temperature: 0.7, maxOutputTokens: 32 });
    await client.chat('thinker', hello);

    expect(server.requests[0]!.body).toMatchObject({ temperature: 0, max_tokens: 256 });
    expect(server.requests[1]!.body).toMatchObject({ temperature: 0.7, max_tokens: 32 });
    expect(server.requests[2]!.body).not.toHaveProperty('temperature');
    expect(server.requests[2]!.body).not.toHaveProperty('max_tokens');
  });
});
