/**
 * The answer starts beside the route decision. When a tool turns out to be needed, that early
 * answer is dropped: its text reaches no client, no log and no conversation, and its request is
 * aborted so a local server frees the slot.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatOptions, StreamChunk } from '../../src/model/model-client.js';
import { chat } from '../memory/chat-helpers.js';
import { answerNow, FakeModelClient, hasObservations, useTools } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

/** A promise to resolve from outside, to order the fake's steps by events instead of time. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A speculative answer that writes `text` and then hangs until its request is aborted. */
async function* hangingAnswer(text: string, options: ChatOptions, started: (value: void) => void, aborted: (value: void) => void): AsyncIterable<StreamChunk> {
  yield { type: 'reasoning_delta', delta: `${text} (reasoning)` };
  yield { type: 'content_delta', delta: text };
  started();
  await new Promise<void>((resolve) => options.signal!.addEventListener('abort', () => resolve(), { once: true }));
  aborted();
  throw options.signal!.reason;
}

describe('the speculative answer', () => {
  it('is dropped unseen when the planner asks for a tool, and its request is aborted', async () => {
    const EARLY = 'EARLY-GUESS-WITHOUT-LOOKING';
    const started = deferred();
    const aborted = deferred();
    const model = new FakeModelClient({
      chat: {
        // The planner answers only once the early answer has produced text: the worst case.
        action: async (messages) => {
          if (hasObservations(messages)) return answerNow;
          await started.promise;
          return useTools([{ tool: 'file_read', args: { path: 'README.md' } }], false);
        },
        memory_policy: { should_store: false, summary: '' },
      },
      stream: (messages, options) =>
        hasObservations(messages) ? [{ type: 'content_delta', delta: 'The README says hi.' }] : hangingAnswer(EARLY, options, started.resolve, aborted.resolve),
    });
    const t = await startTestApp({ model });
    writeFileSync(join(t.dir, 'README.md'), 'hi');
    const { r, events, taskId } = await chat(t, { message: 'Summarize the README', workspace: t.dir, debug: true });
    await aborted.promise;

    expect(r.body).not.toContain(EARLY);
    expect(JSON.stringify(events)).not.toContain(EARLY);
    const conversation = (await t.get(`/v1/conversations/${firstOf(r, 'done').conversation_id}`)).json;
    expect(JSON.stringify(conversation)).not.toContain(EARLY);
    expect(conversation.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'The README says hi.', status: 'completed' });
    expect(events.map((e) => e.event_type)).toContain('speculative_answer_discarded');
    expect(model.calls.filter((c) => c.kind === 'stream')).toHaveLength(2);
    expect((await t.get(`/v1/tasks/${taskId}/events`)).json.filter((e: { event_type: string }) => e.event_type === 'content_delta')).toHaveLength(1);
  });

  it('is released whole, once and in order, when no tool is needed', async () => {
    const firstChunk = deferred();
    const model = new FakeModelClient({
      chat: {
        action: async () => {
          await firstChunk.promise;
          return answerNow;
        },
        memory_policy: { should_store: false, summary: '' },
      },
      stream: async function* () {
        yield { type: 'reasoning_delta', delta: 'thinking' };
        yield { type: 'content_delta', delta: 'Hel' };
        firstChunk.resolve();
        yield { type: 'content_delta', delta: 'lo!' };
      },
    });
    const t = await startTestApp({ model });
    const { r } = await chat(t, { message: 'hello', workspace: t.dir });
    const deltas = r.events.filter((e) => e.event === 'content_delta').map((e) => e.data.delta);
    expect(deltas.join('')).toBe('Hello!');
    expect(r.events.filter((e) => e.event === 'reasoning_delta')).toHaveLength(1);
    // Nothing of the answer came before the decision was known.
    const types = r.events.map((e) => e.event);
    expect(types.indexOf('action_loop_skipped')).toBeLessThan(types.indexOf('reasoning_delta'));
    expect(model.calls.filter((c) => c.kind === 'stream')).toHaveLength(1);
    const conversation = (await t.get(`/v1/conversations/${firstOf(r, 'done').conversation_id}`)).json;
    expect(conversation.messages.at(-1)).toMatchObject({ content: 'Hello!', status: 'completed' });
  });

  it('ends with the task when the person stops it during the decision', async () => {
    const started = deferred();
    const aborted = deferred();
    const model = new FakeModelClient({
      chat: {
        action: async (_messages, options) => {
          await started.promise;
          await new Promise((resolve) => options.signal!.addEventListener('abort', resolve, { once: true }));
          throw options.signal!.reason;
        },
      },
      stream: (_messages, options) => hangingAnswer('EARLY', options, started.resolve, aborted.resolve),
    });
    const t = await startTestApp({ model });
    const stream = await t.openStream('/v1/chat/stream', { message: 'hello', workspace: t.dir });
    const taskId = (await stream.waitFor('runtime_status')).data.task_id as string;
    await started.promise;
    expect((await t.post(`/v1/tasks/${taskId}/cancel`)).status).toBe(200);
    expect((await stream.waitFor('done')).data.status).toBe('cancelled');
    await aborted.promise;
    const events = (await t.get(`/v1/tasks/${taskId}/events`)).json;
    expect(JSON.stringify(events)).not.toContain('EARLY');
  });
});
