import { describe, expect, it } from 'vitest';
import { directive, FakeModelClient } from '../support/fake-model-client.js';
import { startTestApp } from '../support/test-app.js';
import { chat, eventOf, idOf, numberedLines, quietPolicy, typesOf } from './chat-helpers.js';

const fact = { memory_type: 'fact', importance: 0.8, scope: 'global', metadata: {} };
const answer = [{ type: 'content_delta' as const, delta: 'Noted.' }];
const noRecall = { relevant_ids: [], sufficient_to_answer: false };

describe('keeping memory true: supersession, updates, merges', () => {
  it('a changed fact supersedes the old one: the newer wins, the older stays in history only', async () => {
    const model = new FakeModelClient({
      chat: {
        recall: noRecall,
        action: directive(),
        memory_policy: (messages) =>
          messages.some((m) => m.content.includes('Ivan now'))
            ? { should_store: true, action: 'supersede', target_id: idOf(messages, 'Vladimir'), summary: "The user's name is Ivan.", ...fact }
            : quietPolicy,
      },
      stream: answer,
    });
    const t = await startTestApp({ model });
    const old = (await t.post('/v1/memory', { text: "The user's name is Vladimir.", scope: 'global', memory_type: 'fact' })).json;
    const { events } = await chat(t, { message: 'My name is Ivan now, not Vladimir.', workspace: t.dir });

    // The policy was shown the memory it could replace, numbered.
    expect(numberedLines(model.calls.find((c) => c.role === 'memory_policy')!.messages)).toContain("0: The user's name is Vladimir.");
    expect(eventOf(events, 'memory_policy_decision')).toMatchObject({ action: 'supersede', target_memory_id: old.id });
    const superseded = eventOf(events, 'memory_superseded')!;
    expect(superseded).toMatchObject({ superseded_id: old.id, text: "The user's name is Ivan." });
    expect(typesOf(events)).toContain('memory_stored');

    const current = (await t.get('/v1/memory')).json.results;
    expect(current.map((m: { text: string }) => m.text)).toEqual(["The user's name is Ivan."]);
    expect((await t.get('/v1/memory?include_superseded=true')).json.results).toHaveLength(2);
    const history = (await t.get(`/v1/memory/${old.id}/history`)).json;
    expect(history.chain.map((m: { text: string }) => m.text)).toEqual(["The user's name is Vladimir.", "The user's name is Ivan."]);
    expect(history.current.id).toBe(superseded.memory_id);
    expect(history.events.map((e: { action: string }) => e.action)).toEqual(['created', 'superseded']);

    // The next question never sees the old name.
    await chat(t, { message: "What's my name?", workspace: t.dir });
    const recallPrompt = model.calls.filter((c) => c.role === 'recall').at(-1)!.messages.at(-1)!.content;
    expect(recallPrompt).toContain('Ivan');
    expect(recallPrompt).not.toContain('Vladimir.');
  });

  it('an update rewrites the memory in place and keeps the previous text', async () => {
    const model = new FakeModelClient({
      chat: { recall: noRecall, action: directive(), memory_policy: (m) => ({ should_store: true, action: 'update', target_id: idOf(m, 'tea'), summary: 'The user drinks green tea without sugar.', ...fact }) },
      stream: answer,
    });
    const t = await startTestApp({ model });
    const tea = (await t.post('/v1/memory', { text: 'The user drinks tea.', scope: 'global' })).json;
    const { events } = await chat(t, { message: 'I drink my tea green, without sugar.', workspace: t.dir });

    expect(eventOf(events, 'memory_updated')).toMatchObject({ memory_id: tea.id, text: 'The user drinks green tea without sugar.', previous_text: 'The user drinks tea.' });
    expect((await t.get(`/v1/memory/${tea.id}`)).json.text).toBe('The user drinks green tea without sugar.');
    expect((await t.get('/v1/memory')).json.results).toHaveLength(1);
    const history = (await t.get(`/v1/memory/${tea.id}/history`)).json;
    expect(history.events.at(-1)).toMatchObject({ action: 'updated', text: 'The user drinks tea.' });
  });

  it('a target the policy was not shown is ignored: the memory is simply added', async () => {
    const model = new FakeModelClient({
      chat: { recall: noRecall, action: directive(), memory_policy: { should_store: true, action: 'supersede', target_id: '42', summary: 'The user has a cat named Tom.', ...fact } },
      stream: answer,
    });
    const t = await startTestApp({ model });
    await t.post('/v1/memory', { text: 'The user likes jazz.', scope: 'global' });
    const { events } = await chat(t, { message: 'I have a cat, Tom.', workspace: t.dir });
    expect(typesOf(events)).toContain('memory_stored');
    expect(typesOf(events)).not.toContain('memory_superseded');
    expect((await t.get('/v1/memory')).json.results).toHaveLength(2);
  });

  it('a near-duplicate is merged instead of stored twice', async () => {
    const model = new FakeModelClient({
      chat: {
        action: directive(),
        recall: noRecall,
        memory_policy: [
          { should_store: true, summary: 'User prefers tabs over spaces.', ...fact, importance: 0.5 },
          { should_store: true, action: 'add', summary: 'The user prefers tabs over spaces!', ...fact, importance: 0.9 },
          { should_store: true, summary: 'The user prefers spaces over tabs in YAML files.', ...fact },
        ],
      },
      stream: answer,
    });
    const t = await startTestApp({ model });
    const first = await chat(t, { message: 'I use tabs, never spaces.', workspace: t.dir });
    const second = await chat(t, { message: 'Remember: tabs, not spaces.', workspace: t.dir });
    const stored = eventOf(first.events, 'memory_stored')!;
    expect(eventOf(second.events, 'memory_merged')).toMatchObject({ memory_id: stored.memory_id });
    expect(typesOf(second.events)).not.toContain('memory_stored');
    const [only] = (await t.get('/v1/memory')).json.results;
    expect(only).toMatchObject({ id: stored.memory_id, text: 'User prefers tabs over spaces.', importance: 0.9 });
    // A different statement with the same words in another order is a new memory.
    const third = await chat(t, { message: 'In YAML I use spaces.', workspace: t.dir });
    expect(typesOf(third.events)).toContain('memory_stored');
    expect((await t.get('/v1/memory')).json.results).toHaveLength(2);
  });

  it('POST /v1/memory merges an exact duplicate too: 200 and the same memory', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const first = await t.post('/v1/memory', { text: 'The user likes tea.', scope: 'global', importance: 0.3 });
    const again = await t.post('/v1/memory', { text: 'the user likes TEA', scope: 'global', importance: 0.7 });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, text: 'The user likes tea.', importance: 0.7 });
    expect((await t.get(`/v1/memory/${first.json.id}/history`)).json.events.map((e: { action: string }) => e.action)).toEqual(['created', 'merged']);
  });
});
