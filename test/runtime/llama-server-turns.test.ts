/**
 * Whole turns against a real llama-server (random weights, two slots): structured calls ask for
 * no thinking and are bounded, the route is read from the first key and
 * the request then hangs up, a dropped early answer stops generating at once, and a turn's calls
 * are served from the slots' prompt caches. The route itself is random with random weights, so
 * the tests narrow the planner's schema to the route they need (as a model that wants a tool, or
 * none, would write); everything else is the server's own behaviour.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatBody } from '../../src/model/chat-request.js';
import { OpenAICompatibleClient } from '../../src/model/openai-compatible-client.js';
import { chat, type LoggedEvent } from '../memory/chat-helpers.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { LLAMA_SERVER_AVAILABLE, noteIfSkipped, startLlamaServer, STARTUP_DEADLINE_MS, waitUntil, type LlamaServer } from '../support/llama-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { sameModel } from '../model/model-test-helpers.js';

noteIfSkipped();

const SLOW = 120_000;
type Route = 'answer' | 'tools';

/**
 * The planner's schema narrowed to one route, with every open end bounded (random weights never
 * close a string). The reason is plain letters: any text let random weights write markup the
 * server's output parser then rejected ("does not match the expected peg-native format"), for
 * about half of the prompts once the tool list grew.
 */
function narrowed(route: Route): Record<string, unknown> {
  if (route === 'answer') return { type: 'object', properties: { answer_now: { const: true } }, required: ['answer_now'], additionalProperties: false };
  const action = {
    type: 'object',
    properties: { tool: { const: 'list_dir' }, args: { type: 'object', properties: { path: { const: '.' } }, required: ['path'], additionalProperties: false }, reason: { type: 'string', pattern: '^[a-z]{0,8}$' } },
    required: ['tool', 'args', 'reason'],
    additionalProperties: false,
  };
  return {
    type: 'object',
    properties: { actions: { type: 'array', items: action, minItems: 1, maxItems: 1 }, risk_level: { enum: ['none', 'low'] }, final: { const: true } },
    required: ['actions', 'risk_level', 'final'],
    additionalProperties: false,
  };
}

describe.skipIf(!LLAMA_SERVER_AVAILABLE)('turns against a real llama-server', () => {
  let server: LlamaServer;
  let model: OpenAICompatibleClient;
  let t: TestApp;
  let route: Route = 'answer';
  /** Whether this turn's early answer request is sent without a bound (see `steering`). */
  let unbounded = false;
  /** Every chat request of the current turn, as sent. */
  let sent: ChatBody[] = [];

  /**
   * Sends what ducklm sends, except: the planner's schema is narrowed to `route`, and when
   * `unbounded`, the first answer request of the turn (the early one, beside the decision) gets no
   * token limit and may not stop at its end token: were it not cancelled, it would generate until
   * its slot's context is full.
   */
  const steering: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.endsWith('/chat/completions') || typeof init?.body !== 'string') return fetch(input, init);
    const body = JSON.parse(init.body) as ChatBody & { ignore_eos?: boolean };
    sent.push(structuredClone(body));
    const format = body.response_format;
    // llama.cpp's own form names no schema: the planner's is the one that can list `actions`.
    if (format?.type === 'json_object' && 'schema' in format && JSON.stringify(format.schema).includes('"actions"')) format.schema = narrowed(route);
    if (unbounded && !format && sent.filter((b) => !b.response_format).length === 1) {
      delete body.max_tokens;
      body.ignore_eos = true;
    }
    return fetch(input, { ...init, body: JSON.stringify(body) });
  };

  beforeAll(async () => {
    // ChatML, not a thinking template: with random weights, Qwen3.5's output parser now and then
    // rejects what the grammar let through ("does not match the expected peg-native format"), at
    // random. Thinking off under that template is checked call by call in test/model/llama-server.test.ts.
    server = await startLlamaServer(['--chat-template', 'chatml', '-np', '2', '-c', '16384', '--slots', '--metrics'], {});
    model = new OpenAICompatibleClient({ baseUrl: `${server.root}/v1`, models: sameModel('tiny'), server: 'auto', fetch: steering, roleDefaults: { thinker: { maxTokens: 24 } } });
  }, STARTUP_DEADLINE_MS + 30_000);
  // A ducklm per test (each test's app closes after it), all on the one server.
  beforeEach(async () => {
    t = await startTestApp({ model, runner: new FakeCommandRunner() });
  });
  afterAll(() => server?.stop(), 30_000);

  const predicted = async () => {
    const text = await (await fetch(`${server.root}/metrics`)).text();
    return Number(/^llamacpp:tokens_predicted_total (\S+)/m.exec(text)![1]);
  };
  const idle = () => waitUntil(async () => ((await (await fetch(`${server.root}/slots`)).json()) as { is_processing: boolean }[]).every((s) => !s.is_processing), 'idle slots', server);
  const calls = (events: LoggedEvent[]) => events.filter((e) => e.event_type === 'model_call').map((e) => e.payload as { role: string; prompt_tokens?: number; cached_prompt_tokens?: number; completion_tokens: number });

  async function turn(message: string, r: Route, conversationId?: string) {
    route = r;
    unbounded = r === 'tools';
    sent = [];
    await idle();
    const before = await predicted();
    const result = await chat(t, { message, workspace: t.dir, reasoning: 'off', ...(conversationId ? { conversation_id: conversationId } : {}) });
    await idle();
    return { ...result, generated: (await predicted()) - before, conversationId: result.r.events.find((e) => e.event === 'done')!.data.conversation_id as string };
  }

  it('a tool turn drops its early answer at once, and every structured call has thinking off and a bound', async () => {
    const { events, generated } = await turn('What is in this folder?', 'tools');
    const types = events.map((e) => e.event_type);
    expect(types, JSON.stringify(events.map((e) => e.payload))).toContain('speculative_answer_discarded');
    expect(types).toContain('tool_call_finished');
    expect(types.at(-1) === 'done' || types.includes('memory_policy_decision') || types.includes('memory_policy_failed')).toBe(true);
    expect(events.find((e) => e.event_type === 'done')!.payload.status).toBe('completed');

    const structured = sent.filter((b) => b.response_format);
    expect(structured.length).toBeGreaterThanOrEqual(2); // the planner, then the memory policy
    for (const body of structured) {
      expect(body.chat_template_kwargs).toEqual({ enable_thinking: false });
      expect(body.max_tokens).toBeGreaterThan(0);
    }
    // The early answer ran beside the planner's directive (about a hundred tokens: this model's
    // vocabulary is one token a byte) and was dropped when it was read. Generated in all: that,
    // the directive, an answer of at most 24 tokens and the memory policy's at most 320. Had the
    // early answer kept going, it would have filled its slot's context: thousands of tokens.
    const early = calls(events).find((c) => c.role === 'thinker')!;
    expect(early.completion_tokens).toBeLessThan(500);
    expect(generated).toBeLessThan(1500);
  }, SLOW);

  it('a first exchange\'s memory policy, with room for a title, is answered under the grammar and decides', async () => {
    // With a grammar that required the title, random weights by hand (another prompt) wrote on to
    // the token bound, and the server answered 500 ("does not match the expected peg-native format").
    const { events } = await turn('hello there', 'answer');
    const types = events.map((e) => e.event_type);
    expect(types, JSON.stringify(events.filter((e) => e.event_type === 'memory_policy_failed').map((e) => e.payload))).toContain('memory_policy_decision');
    const policy = sent.find((b) => String(b.messages.at(-1)!.content).includes('[memory policy]'))!;
    expect(String(policy.messages.at(-1)!.content)).toContain('also reply "title"');
  }, SLOW);

  it('an answer turn stops reading the planner at its first key and releases the early answer; the next turn is served from the cache', async () => {
    const first = await turn('hello', 'answer');
    expect(first.events.map((e) => e.event_type)).toContain('action_loop_skipped');
    expect(first.r.events.filter((e) => e.event === 'content_delta' || e.event === 'reasoning_delta').length).toBeGreaterThan(0);
    expect(sent.filter((b) => !b.response_format && (b as { stream?: boolean }).stream)).toHaveLength(1);
    // The streamed answer's prompt time, as the server measured it in `timings`, reaches the stats.
    const stats = first.r.events.find((e) => e.event === 'done')!.data.generation_stats as { prompt_ms?: number; prompt_tokens_per_second?: number };
    expect(stats.prompt_ms).toBeGreaterThan(0);
    expect(stats.prompt_tokens_per_second).toBeGreaterThan(0);

    const second = await turn('thanks, and once more?', 'answer', first.conversationId);
    const answer = calls(second.events).filter((c) => c.role === 'thinker').at(-1)!;
    expect(answer.prompt_tokens).toBeGreaterThan(200);
    // The system text, the first exchange as the answer's model saw and wrote it: all cached.
    expect(answer.cached_prompt_tokens! / answer.prompt_tokens!).toBeGreaterThan(0.8);
  }, SLOW);
});
