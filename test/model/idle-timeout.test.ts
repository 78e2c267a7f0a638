/**
 * A model stream that goes silent cannot hold a task open: the reply must start, and then keep
 * coming, within the idle timeout; otherwise the request is stopped and the task fails with a
 * clear error. Cancel still works during the wait.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_IDLE_TIMEOUT_MS, ModelIdleTimeoutError } from '../../src/model/idle-timeout.js';
import { loadConfig } from '../../src/config.js';
import { ModelUnavailableError } from '../../src/errors.js';
import { OpenAICompatibleClient } from '../../src/model/openai-compatible-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';
import { clientFor, collect, fake, hello, joined, sameModel } from './model-test-helpers.js';

const IDLE_MS = 400;
const never = new Promise(() => {});

const rawServers: Server[] = [];
afterEach(async () => {
  await Promise.all(rawServers.splice(0).map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
});

/** A server of our own: `handle` gets every request; returns its /v1 URL. */
async function rawServer(handle: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handle);
  rawServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const sseChunk = (content: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

describe('the idle timeout of a streamed reply', () => {
  it('stops a stream that stalls mid-reply, with a clear error, and hangs up on the server', async () => {
    const server = await fake(() => ({ content: 'the start of an answer that never ends', hold: never }));
    const stream = clientFor(server.baseUrl, { idleTimeoutMs: IDLE_MS }).streamChat('thinker', hello);
    const started = performance.now();
    const error = await collect(stream).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelIdleTimeoutError);
    expect((error as Error).message).toMatch(/stopped sending mid-reply: nothing for 400 ms.*DUCK_MODEL_IDLE_TIMEOUT_MS/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(await server.requestClosed(0)).toBe('aborted');
  });

  it('stops a server that never starts answering (no first byte)', async () => {
    const url = await rawServer(() => {
      // Holds the request: no status line, no headers, nothing.
    });
    const error = await collect(clientFor(url, { idleTimeoutMs: IDLE_MS, server: 'openai' }).streamChat('thinker', hello)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain('did not answer within 400 ms');
  });

  it('lets a slow but steady stream run for longer than the timeout', async () => {
    const url = await rawServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      // Five pieces, each well inside the idle window (a busy machine may be late); the whole reply outlasts it.
      const timer = setInterval(() => {
        if (sent < 5) res.write(sseChunk(`p${sent++} `));
        else {
          clearInterval(timer);
          res.end('data: [DONE]\n\n');
        }
      }, 400);
    });
    const chunks = await collect(clientFor(url, { idleTimeoutMs: 2_000, server: 'openai' }).streamChat('thinker', hello));
    expect(joined(chunks, 'content_delta')).toBe('p0 p1 p2 p3 p4 ');
  });

  it('a cancel during the wait ends it at once, as a cancel, not as a timeout', async () => {
    const server = await fake(() => ({ content: 'never finished', hold: never }));
    const controller = new AbortController();
    const stream = clientFor(server.baseUrl, { idleTimeoutMs: 60_000 }).streamChat('thinker', hello, { signal: controller.signal })[Symbol.asyncIterator]();
    await stream.next();
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await expect(stream.next()).rejects.toBe(reason);
    expect(await server.requestClosed(0)).toBe('aborted');
  });

  it('is generous by default and set by DUCK_MODEL_IDLE_TIMEOUT_MS', () => {
    expect(DEFAULT_MODEL_IDLE_TIMEOUT_MS).toBe(120_000);
    expect(loadConfig({}).model.idleTimeoutMs).toBe(120_000);
    expect(loadConfig({ DUCK_MODEL_IDLE_TIMEOUT_MS: '5000' }).model.idleTimeoutMs).toBe(5000);
    expect(() => loadConfig({ DUCK_MODEL_IDLE_TIMEOUT_MS: 'soon' })).toThrow(/DUCK_MODEL_IDLE_TIMEOUT_MS/);
  });
});

describe('a task whose model stalls', () => {
  it('ends with an error event that says so, instead of staying open', { timeout: 60_000 }, async () => {
    const server = await fake(() => ({ content: '{"answer_now": tr', hold: never }));
    const model = new OpenAICompatibleClient({ baseUrl: server.baseUrl, models: sameModel('m'), server: 'openai', idleTimeoutMs: IDLE_MS });
    const t = await startTestApp({ model });
    const events = await t.stream('/v1/chat/stream', { message: 'hello', workspace: t.dir });
    expect(firstOf(events, 'error').message).toMatch(/stopped sending mid-reply: nothing for 400 ms|did not answer within 400 ms/);
    expect(firstOf(events, 'done').status).toBe('failed');
    // The server answers the next request as usual.
    expect((await t.get('/v1/health')).status).toBe(200);
  });
});
