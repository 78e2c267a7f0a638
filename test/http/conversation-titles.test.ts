/**
 * Conversation titles (issue 16): at once from the first message, then from the first exchange by
 * the model, in the memory policy's own call (no extra request, the answer never waits for it).
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatOptions } from '../../src/model/model-client.js';
import { cleanTitle } from '../../src/store/conversation-title.js';
import { directive, FakeModelClient } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

/** The memory policy names whatever it is asked to, and the calls it got are kept. */
function titling(title: string) {
  const policyCalls: { job: string; format: unknown }[] = [];
  const model = new FakeModelClient({
    chat: {
      action: directive(),
      memory_policy: (messages: ChatMessage[], options: ChatOptions) => {
        policyCalls.push({ job: messages.at(-1)!.content, format: options.responseFormat?.schema });
        return { should_store: false, summary: '', ...(messages.at(-1)!.content.includes('"title"') ? { title } : {}) };
      },
    },
    stream: [{ type: 'content_delta', delta: 'Here is a plan.' }],
  });
  return { model, policyCalls };
}

describe('a title from the first exchange', () => {
  it('replaces the one made from the first message, is told to the task\'s followers, and is asked for only once', async () => {
    const { model, policyCalls } = titling('  "Title: Weekend trip to Lisbon."  ');
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'can you help me plan a weekend in lisbon with my kids, we like museums and food', workspace: t.dir });
    const { conversation_id: id } = firstOf(r, 'done') as { conversation_id: string };
    // The stream stays until the post-task work is in, so the new title reaches whoever follows.
    expect(firstOf(r, 'conversation_titled')).toMatchObject({ conversation_id: id, title: 'Weekend trip to Lisbon' });
    expect((await t.get(`/v1/conversations/${id}`)).json.title).toBe('Weekend trip to Lisbon');
    expect(policyCalls).toHaveLength(1);
    expect(policyCalls[0]!.job).toMatch(/\[memory policy\]\nThis was the conversation's first exchange: also reply "title"/);
    expect((policyCalls[0]!.format as { properties: Record<string, unknown> }).properties.title).toMatchObject({ type: 'string', maxLength: 80 });

    await t.stream('/v1/chat/stream', { message: 'and where should we eat?', workspace: t.dir, conversation_id: id });
    expect(policyCalls).toHaveLength(2);
    expect(policyCalls[1]!.job).not.toContain('"title"');
    expect((policyCalls[1]!.format as { properties: Record<string, unknown> }).properties).not.toHaveProperty('title');
    expect((await t.get(`/v1/conversations/${id}`)).json.title).toBe('Weekend trip to Lisbon');
  });

  it('never replaces a name a person gave', async () => {
    const { model, policyCalls } = titling('Something else');
    const t = await startTestApp({ model });
    const first = await t.stream('/v1/chat/stream', { message: 'hello', workspace: t.dir });
    const { conversation_id: id } = firstOf(first, 'done') as { conversation_id: string };
    const renamed = await fetch(`${t.baseUrl}/v1/conversations/${id}`, { method: 'PATCH', headers: { ...t.auth, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Mine' }) });
    expect(renamed.status).toBe(200);
    // Edit the first message: a first exchange again, but the person's title stands and none is asked.
    const edited = await t.stream('/v1/chat/stream', { message: 'hello again', workspace: t.dir, conversation_id: id, replaces: (firstOf(first, 'done') as { task_id: string }).task_id });
    expect(edited.events.some((e) => e.event === 'conversation_titled')).toBe(false);
    expect(policyCalls.at(-1)!.job).not.toContain('"title"');
    expect((await t.get(`/v1/conversations/${id}`)).json.title).toBe('Mine');
  });

  it('a model that gives no usable title leaves the one made from the message', async () => {
    const { model } = titling(' "**" ');
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'What is a heron?', workspace: t.dir });
    const { conversation_id: id } = firstOf(r, 'done') as { conversation_id: string };
    expect(r.events.some((e) => e.event === 'conversation_titled')).toBe(false);
    expect((await t.get(`/v1/conversations/${id}`)).json.title).toBe('What is a heron?');
  });
});

describe('cleanTitle', () => {
  it.each([
    ['"Weekend trip to Lisbon"', 'Weekend trip to Lisbon'],
    ['Title: **Fixing the build**', 'Fixing the build'],
    ['«Поездка в Лиссабон».', 'Поездка в Лиссабон'],
    ['Line one\nline two', 'Line one line two'],
    ['evil \x1b[2J title\u202e', 'evil [2J title'],
    ['  ', ''],
    ['"…"', ''],
  ])('%j → %j', (proposed, expected) => {
    expect(cleanTitle(proposed)).toBe(expected);
  });

  it('cuts a long one at a word', () => {
    const title = cleanTitle('A very long title that goes on and on about many different things in the conversation');
    expect([...title].length).toBeLessThanOrEqual(60);
    expect(title.endsWith('…')).toBe(true);
  });
});
