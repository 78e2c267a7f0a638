import { afterEach, describe, expect, it } from 'vitest';
import { ModelRequestError, ModelUnavailableError } from '../../src/errors.js';
import type { ModelClient, StreamChunk } from '../../src/model/model-client.js';
import { OpenAICompatibleClient } from '../../src/model/openai-compatible-client.js';
import { ROLES, type Role } from '../../src/model/roles.js';
import { NOT_CONFIGURED_MESSAGE, UnconfiguredModelClient } from '../../src/model/unconfigured-client.js';
import { closedPortUrl } from './model-test-helpers.js';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeScript } from '../support/fake-openai-server.js';

const servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const sameModel = (name: string) => Object.fromEntries(ROLES.map((r) => [r, name])) as Record<Role, string>;
const hello = [{ role: 'user' as const, content: 'hello there' }];

async function fake(script: FakeScript, opts?: Parameters<typeof startFakeOpenAIServer>[1]) {
  const server = await startFakeOpenAIServer(script, opts);
  servers.push(server);
  return server;
}

function clientFor(baseUrl: string, extra: Partial<ConstructorParameters<typeof OpenAICompatibleClient>[0]> = {}) {
  return new OpenAICompatibleClient({ baseUrl, models: sameModel('local-main'), ...extra });
}

async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const joined = (chunks: StreamChunk[], type: 'reasoning_delta' | 'content_delta') =>
  chunks.flatMap((c) => (c.type === type ? [c.delta] : [])).join('');


describe('OpenAICompatibleClient', () => {
  it.each(['reasoning_content', 'reasoning'] as const)('streams %s deltas as reasoning, then content, then usage, then finish', async (field) => {
    const server = await fake(() => ({ reasoning: 'Let me think about ducks.', content: 'Ducks quack, mostly. 🦆' }), { reasoningField: field });
    const chunks = await collect(clientFor(server.baseUrl).streamChat('thinker', hello));

    expect(joined(chunks, 'reasoning_delta')).toBe('Let me think about ducks.');
    expect(joined(chunks, 'content_delta')).toBe('Ducks quack, mostly. 🦆');
    expect(chunks.filter((c) => c.type === 'content_delta').length).toBeGreaterThan(1);
    expect(chunks.every((c) => (c.type !== 'content_delta' && c.type !== 'reasoning_delta') || c.delta !== '')).toBe(true);
    const types = chunks.map((c) => c.type);
    expect(types.indexOf('content_delta')).toBeGreaterThan(types.lastIndexOf('reasoning_delta'));
    expect(chunks.slice(-2)).toEqual([
      { type: 'usage', usage: { promptTokens: 2, completionTokens: 9, cachedPromptTokens: 0 } },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(chunks.filter((c) => c.type === 'usage')).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ stream: true, body: { stream_options: { include_usage: true } } });
  });

  it('parses content, reasoning and usage from a non-streamed reply', async () => {
    const server = await fake(() => ({ reasoning: 'Short thought.', content: '{"ok":true}' }), { reasoningField: 'reasoning' });
    const reply = await clientFor(server.baseUrl).chat('action', hello);

    expect(reply).toMatchObject({
      role: 'action',
      model: 'local-main',
      content: '{"ok":true}',
      reasoningContent: 'Short thought.',
      usage: { promptTokens: 2, completionTokens: 3 },
      finishReason: 'stop',
    });
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.requests[0]!.stream).toBe(false);
  });

  it('gives null reasoning when the server sends none', async () => {
    const server = await fake(() => ({ content: 'plain' }));
    expect((await clientFor(server.baseUrl).chat('critic', hello)).reasoningContent).toBeNull();
  });

  it('forwards sampling, the JSON schema and the reasoning toggle in the request body', async () => {
    const server = await fake(() => ({ content: '{}' }));
    const client = clientFor(server.baseUrl);
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
    await client.chat('action', hello, { temperature: 0.2, maxOutputTokens: 64, responseFormat: { name: 'directive', schema }, reasoning: 'off' });
    await collect(client.streamChat('thinker', hello, { reasoning: 'off' }));
    await client.chat('action', hello, { reasoning: 'on' });

    expect(server.requests[0]!.body).toMatchObject({
      temperature: 0.2,
      max_tokens: 64,
      response_format: { type: 'json_schema', json_schema: { name: 'directive', schema, strict: true } },
      chat_template_kwargs: { enable_thinking: false },
      messages: hello,
    });
    expect(server.requests[1]!.body.chat_template_kwargs).toEqual({ enable_thinking: false });
    expect(server.requests[2]!.body).not.toHaveProperty('chat_template_kwargs');
    expect(server.requests[2]!.body).not.toHaveProperty('response_format');
    expect(server.requests[2]!.body).not.toHaveProperty('reasoning_effort');
  });

  it('asks for the model configured for each role', async () => {
    const server = await fake(() => ({ content: 'ok' }));
    const models = { ...sameModel('small'), action: 'planner-7b', thinker: 'thinker-32b' };
    const client = new OpenAICompatibleClient({ baseUrl: server.baseUrl, models });
    await client.chat('action', hello);
    await collect(client.streamChat('thinker', hello));
    await client.chat('memory_policy', hello);

    expect(server.requests.map((r) => r.model)).toEqual(['planner-7b', 'thinker-32b', 'small']);
  });

  it('uses the injected fetch', async () => {
    const server = await fake(() => ({ content: 'ok' }));
    const urls: string[] = [];
    const spy: typeof fetch = (input, init) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    await clientFor(server.baseUrl, { fetch: spy }).chat('action', hello);
    expect(urls).toEqual([`${server.baseUrl}/chat/completions`]);
  });

  it('turns a refused connection into ModelUnavailableError that names the URL and the fix', async () => {
    const url = await closedPortUrl();
    const client = clientFor(url);
    const expected = { name: 'ModelUnavailableError', baseUrl: url, message: expect.stringContaining(`Cannot reach the model server at ${url} (connection refused)`) };

    const chatError = await client.chat('action', hello).catch((e: unknown) => e);
    expect(chatError).toBeInstanceOf(ModelUnavailableError);
    expect(chatError).toMatchObject(expected);
    expect((chatError as Error).message).toContain('DUCK_MODEL_BASE_URL');
    await expect(collect(client.streamChat('thinker', hello))).rejects.toMatchObject(expected);
    expect(await client.health()).toMatchObject({ configured: true, reachable: false, baseUrl: url, detail: expect.stringContaining('connection refused') });
  });

  it('turns HTTP 503 into ModelUnavailableError: the model is still loading', async () => {
    const server = await fake(() => ({ status: 503, body: { error: { message: 'Loading model', type: 'unavailable_error' } } }));
    const client = clientFor(server.baseUrl);
    await expect(client.chat('action', hello)).rejects.toBeInstanceOf(ModelUnavailableError);
    await expect(collect(client.streamChat('thinker', hello))).rejects.toThrow(/still loading the model.*try again in a moment/);
    expect(server.requests).toHaveLength(2);
  });

  it('turns other HTTP errors into ModelRequestError with the status, never the API key', async () => {
    const server = await fake(() => ({ status: 500, body: { error: { message: 'template failed for key sk-secret-123' } } }));
    const client = clientFor(server.baseUrl, { apiKey: 'sk-secret-123' });

    const error = await client.chat('action', hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRequestError);
    expect(error).toMatchObject({ status: 500, message: expect.stringContaining('HTTP 500') });
    expect((error as Error).message).toContain('template failed');
    expect((error as Error).message).not.toContain('sk-secret-123');
    await expect(collect(client.streamChat('thinker', hello))).rejects.toMatchObject({ name: 'ModelRequestError', status: 500 });
  });

  it('aborting a stream mid-way closes the upstream request and rejects with the abort reason', async () => {
    const server = await fake(() => ({ reasoning: 'thinking slowly about it', content: 'never sent', hold: new Promise(() => {}) }));
    const controller = new AbortController();
    const stream = clientFor(server.baseUrl).streamChat('thinker', hello, { signal: controller.signal })[Symbol.asyncIterator]();

    expect((await stream.next()).value).toMatchObject({ type: 'reasoning_delta' });
    const reason = new Error('user cancelled');
    controller.abort(reason);

    await expect(stream.next()).rejects.toBe(reason);
    expect(await server.requestClosed(0)).toBe('aborted');
  });

  it('aborting a non-streamed chat closes the upstream request with an AbortError', async () => {
    const server = await fake(() => ({ content: 'never sent', hold: new Promise(() => {}) }));
    const controller = new AbortController();
    const pending = clientFor(server.baseUrl).chat('action', hello, { signal: controller.signal });
    // Abort only once the server holds the request, so the HTTP exchange really is in flight.
    await until(() => server.requests.length === 1);
    controller.abort();

    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(await server.requestClosed(0)).toBe('aborted');
  });

  it('stopping the iteration early closes the upstream request', async () => {
    const server = await fake(() => ({ content: 'a long answer we stop reading', hold: new Promise(() => {}) }));
    for await (const chunk of clientFor(server.baseUrl).streamChat('thinker', hello)) {
      expect(chunk.type).toBe('content_delta');
      break;
    }
    expect(await server.requestClosed(0)).toBe('aborted');
  });

  it('a server that dies mid-stream gives ModelUnavailableError', async () => {
    const server = await fake(() => ({ content: 'half of it', hold: new Promise(() => {}) }));
    const stream = clientFor(server.baseUrl).streamChat('thinker', hello)[Symbol.asyncIterator]();
    await stream.next();
    await server.close();
    await expect(stream.next()).rejects.toThrow(/Lost the connection to the model server at http:\/\/127\.0\.0\.1:\d+\/v1 mid-reply/);
  });

  it('a server that does not answer within timeoutMs gives ModelUnavailableError', async () => {
    const server = await fake(() => ({ content: 'too late', hold: new Promise(() => {}) }));
    await expect(clientFor(server.baseUrl, { timeoutMs: 100 }).chat('action', hello)).rejects.toMatchObject({
      name: 'ModelUnavailableError',
      message: expect.stringContaining('did not answer within 100 ms'),
    });
  });

  it('a completed stream ends its request normally', async () => {
    const server = await fake(() => ({ content: 'done' }));
    await collect(clientFor(server.baseUrl).streamChat('thinker', hello));
    expect(await server.requestClosed(0)).toBe('completed');
  });

  it('reports the server as reachable when /models answers', async () => {
    const server = await fake(() => ({ content: 'unused' }));
    expect(await clientFor(`${server.baseUrl}/`).health()).toEqual({ configured: true, reachable: true, baseUrl: server.baseUrl, detail: '1 model(s) available: fake-model', embedding: null });
  });
});

describe('UnconfiguredModelClient', () => {
  it('rejects every call with a message that says how to configure a server', async () => {
    const client: ModelClient = new UnconfiguredModelClient();
    const expected = { name: 'ModelUnavailableError', baseUrl: null, message: NOT_CONFIGURED_MESSAGE };
    await expect(client.chat('action', hello)).rejects.toMatchObject(expected);
    await expect(collect(client.streamChat('thinker', hello))).rejects.toMatchObject(expected);
    expect(NOT_CONFIGURED_MESSAGE).toContain('DUCK_MODEL_BASE_URL=http://127.0.0.1:8080/v1');
    expect(await client.health()).toMatchObject({ configured: false, reachable: false, baseUrl: null });
  });
});

/** Waits for a condition the server reaches asynchronously, polling on the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('embeddings', () => {
  it('a named model is used as named, without asking the server, and vectors come back in input order', async () => {
    const server = await startFakeOpenAIServer(() => ({ content: 'unused' }));
    try {
      const models = { action: 'm', thinker: 'm', recall: 'm', memory_policy: 'm', critic: 'm' };
      const client = new OpenAICompatibleClient({ baseUrl: server.baseUrl, models, embeddingModel: 'nomic-embed-text' });
      const source = client.embeddings();
      expect(source).toMatchObject({ embeddingModel: 'nomic-embed-text', origin: 'configured' });
      const [a, b] = await source!.embed(['aaa', 'bb']);
      expect(a![0]).toBe(3);
      expect(b![1]).toBe(2);
      expect(server.probes).toEqual(['POST /v1/embeddings']);
      expect(new OpenAICompatibleClient({ baseUrl: server.baseUrl, models, embeddingModel: 'off' }).embeddings()).toBeNull();
    } finally {
      await server.close();
    }
  });
});
