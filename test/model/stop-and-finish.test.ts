/**
 * How a reply ends, against the fake server: `stopWhen` ending a call early (and hanging up on
 * the server), the server's `finish_reason` in our terms, and the prompt tokens it took from its
 * cache.
 */
import { describe, expect, it } from 'vitest';
import { finishReasonOf } from '../../src/model/finish-reason.js';
import { OpenAICompatibleClient } from '../../src/model/openai-compatible-client.js';
import { RoleRouter } from '../../src/model/role-router.js';
import type { Role } from '../../src/model/roles.js';
import { clientFor, collect, fake, hello, sameModel, usageOf } from './model-test-helpers.js';

/** A routing decision whose first field is all the caller needs; the rest is a long explanation. */
const DECISION = '{"route":"tool","why":"the user asked for a file listing, which a tool gives"}';
const routeKnown = (content: string) => /"route"\s*:\s*"[a-z]+"/.test(content);
const never = new Promise<never>(() => {});

describe('chat with stopWhen', () => {
  it('returns the content so far once it settles the question, as "stopped", and hangs up on the server', async () => {
    // The server would go on generating forever: the call can only end by stopping.
    const server = await fake(() => ({ content: DECISION, pieceSize: 6, running: never }));
    const reply = await clientFor(server.baseUrl).chat('action', hello, { stopWhen: routeKnown, maxOutputTokens: 2000 });

    // Pieces of six: the route is known after the third.
    expect(reply).toMatchObject({ role: 'action', content: '{"route":"tool","w', reasoningContent: null, finishReason: 'stopped' });
    expect(server.requests[0]).toMatchObject({ stream: true, body: { stream_options: { include_usage: true }, max_tokens: 2000 } });
    expect(await server.requestClosed(0)).toBe('aborted');
  });

  it('is checked on the content only, never on the reasoning', async () => {
    const server = await fake(() => ({ reasoning: 'Maybe {"route":"tool"}? No.', content: '{"route":"answer","why":"chat"}', running: never }));
    const reply = await clientFor(server.baseUrl).chat('action', hello, { stopWhen: routeKnown });

    expect(reply.finishReason).toBe('stopped');
    expect(reply.content.startsWith('{"route":"answer"')).toBe(true);
    expect(reply.reasoningContent).toBe('Maybe {"route":"tool"}? No.');
  });

  it('sees the answer without an inline think block the template opened and closed', async () => {
    // llama-server, a template that opens <think>, --reasoning-format none, thinking off.
    const server = await fake(() => ({ reasoning: 'unused', content: DECISION, running: never }), { flavor: 'llamacpp', thinkTags: 'template' });
    const seen: string[] = [];
    const reply = await clientFor(server.baseUrl, { server: 'llamacpp' }).chat('action', hello, {
      reasoning: 'off',
      stopWhen: (content) => {
        seen.push(content);
        return routeKnown(content);
      },
    });

    expect(seen.every((content) => !content.includes('think'))).toBe(true);
    expect(reply).toMatchObject({ finishReason: 'stopped', reasoningContent: null });
    expect(routeKnown(reply.content)).toBe(true);
    expect(await server.requestClosed(0)).toBe('aborted');
  });

  it('never satisfied: the whole reply, with the server’s finish reason and usage', async () => {
    const server = await fake(() => ({ content: '{"rou', finishReason: 'length' }));
    const reply = await clientFor(server.baseUrl).chat('action', hello, { stopWhen: routeKnown, maxOutputTokens: 3 });

    expect(reply).toMatchObject({ content: '{"rou', finishReason: 'length', usage: { promptTokens: 2, completionTokens: 1 } });
    expect(await server.requestClosed(0)).toBe('completed');
  });

  it('a caller that aborts still gets its abort reason, and the request is closed', async () => {
    const server = await fake(() => ({ content: 'thinking about the route...', hold: never }));
    const controller = new AbortController();
    const pending = clientFor(server.baseUrl).chat('action', hello, { stopWhen: routeKnown, signal: controller.signal });
    await server.requestArrived(0);
    const reason = new Error('user cancelled');
    controller.abort(reason);

    await expect(pending).rejects.toBe(reason);
    expect(await server.requestClosed(0)).toBe('aborted');
  });

  it('goes through a RoleRouter to the role’s own server', async () => {
    const small = await fake(() => ({ content: DECISION, pieceSize: 6, running: never }));
    const big = await fake(() => ({ content: 'unused' }));
    const smallClient = new OpenAICompatibleClient({ baseUrl: small.baseUrl, models: sameModel('small') });
    const bigClient = new OpenAICompatibleClient({ baseUrl: big.baseUrl, models: sameModel('big') });
    const router = new RoleRouter({ action: smallClient, thinker: bigClient, recall: bigClient, memory_policy: bigClient, critic: bigClient } satisfies Record<Role, unknown>);

    expect(await router.chat('action', hello, { stopWhen: routeKnown })).toMatchObject({ model: 'small', finishReason: 'stopped' });
    expect(big.requests).toHaveLength(0);
    expect(await small.requestClosed(0)).toBe('aborted');
  });
});

describe('finish reasons', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['eos', 'stop'],
    ['tool_calls', 'other'],
    ['content_filter', 'other'],
    ['unload', 'other'],
    [null, 'other'],
  ] as const)('finish_reason %j is %s, in a whole reply and as the last chunk of a stream', async (wire, ours) => {
    const server = await fake(() => ({ content: 'Ducks quack.', finishReason: wire }));
    const client = clientFor(server.baseUrl);
    expect((await client.chat('critic', hello)).finishReason).toBe(ours);

    const chunks = await collect(client.streamChat('thinker', hello));
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: ours });
    expect(chunks.filter((c) => c.type === 'finish')).toHaveLength(1);
  });

  it('a stream ends with usage, then finish, also when it carried only reasoning', async () => {
    const server = await fake(() => ({ reasoning: 'Still thinking when the budget ran out', content: '', finishReason: 'length' }));
    const chunks = await collect(clientFor(server.baseUrl).streamChat('thinker', hello, { maxOutputTokens: 8 }));
    expect(chunks.slice(-2).map((c) => c.type)).toEqual(['usage', 'finish']);
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  it('maps the words other servers use', () => {
    expect(['STOP', 'end_turn', 'stop_sequence', 'eos_token'].map(finishReasonOf)).toEqual(['stop', 'stop', 'stop', 'stop']);
    expect(['max_tokens', 'model_length'].map(finishReasonOf)).toEqual(['length', 'length']);
    expect([undefined, 42, '', 'abort'].map(finishReasonOf)).toEqual(['other', 'other', 'other', 'other']);
  });
});

describe('cached prompt tokens', () => {
  const cachedReply = () => ({ content: 'ok', cachedTokens: 3 });
  const longer = [{ role: 'system' as const, content: 'You are a duck who answers.' }, ...hello];

  it('from usage.prompt_tokens_details.cached_tokens (llama-server, OpenAI)', async () => {
    for (const flavor of ['llamacpp', 'openai'] as const) {
      const server = await fake(cachedReply, { flavor });
      const client = clientFor(server.baseUrl, { server: flavor });
      expect((await client.chat('action', longer)).usage).toMatchObject({ promptTokens: 8, cachedPromptTokens: 3 });
      expect(usageOf(await collect(client.streamChat('thinker', longer)))[0]).toMatchObject({ promptTokens: 8, cachedPromptTokens: 3 });
    }
  });

  it('from timings.cache_n, for llama-server builds without prompt_tokens_details', async () => {
    const server = await fake(cachedReply, { flavor: 'llamacpp', promptTokensDetails: false });
    const client = clientFor(server.baseUrl, { server: 'llamacpp' });
    // The timings count the cached tokens apart (prompt_n 5, cache_n 3); usage has them all.
    expect((await client.chat('action', longer)).usage).toMatchObject({ promptTokens: 8, cachedPromptTokens: 3 });
    expect(usageOf(await collect(client.streamChat('thinker', longer)))[0]).toMatchObject({ promptTokens: 8, cachedPromptTokens: 3 });
  });

  it('absent where the server says nothing about its cache (Ollama)', async () => {
    const server = await fake(cachedReply, { flavor: 'ollama' });
    expect((await clientFor(server.baseUrl, { server: 'ollama' }).chat('action', longer)).usage).not.toHaveProperty('cachedPromptTokens');
  });
});
