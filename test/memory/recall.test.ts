import { describe, expect, it } from 'vitest';
import { directive, FakeModelClient } from '../support/fake-model-client.js';
import { startTestApp } from '../support/test-app.js';
import { chat, eventOf, idOf, numberedLines, quietPolicy } from './chat-helpers.js';
import { DISTRACTORS } from './helpers.js';

const judgeFinding = (text: string) => (messages: Parameters<typeof idOf>[0]) => ({ relevant_ids: [idOf(messages, text)], sufficient_to_answer: true, reasoning: '' });

describe('recall: candidates before the judge', () => {
  it.each([
    ['Как меня зовут?', 'Пользователя зовут Владимир.'],
    ["What's my name?", "The user's name is Vladimir."],
  ])('"%s" puts "%s" first in the judge\'s list and the answer gets it', async (question, fact) => {
    const model = new FakeModelClient({ chat: { recall: judgeFinding(fact), memory_policy: quietPolicy }, stream: [{ type: 'content_delta', delta: 'ok' }] });
    const t = await startTestApp({ model });
    for (const text of [...DISTRACTORS, fact]) await t.post('/v1/memory', { text, scope: 'global', memory_type: 'fact' });
    const { events } = await chat(t, { message: question, workspace: t.dir });

    const recallCall = model.calls.find((c) => c.role === 'recall')!;
    expect(numberedLines(recallCall.messages)[0]).toBe(`0: ${fact}`);
    expect(eventOf(events, 'recall_completed')).toMatchObject({ sufficient_to_answer: true });
    expect(model.calls.find((c) => c.role === 'thinker')!.messages.at(-1)!.content).toContain(fact);
  });

  it('shows the judge a bounded, numbered list and ignores ids it did not show', async () => {
    const model = new FakeModelClient({
      chat: { recall: { relevant_ids: ['99', 'abc', '-1', '1.5', 3, '0'], sufficient_to_answer: false }, action: directive(), memory_policy: quietPolicy },
      stream: [{ type: 'content_delta', delta: 'ok' }],
    });
    const t = await startTestApp({ model });
    for (let i = 0; i < 30; i++) await t.post('/v1/memory', { text: `Note ${i}: the user likes project number ${i}.`, scope: 'global' });
    const { events } = await chat(t, { message: 'Which projects do I like? List the files too.', workspace: t.dir });

    const lines = numberedLines(model.calls.find((c) => c.role === 'recall')!.messages);
    expect(lines).toHaveLength(8);
    expect(lines.map((l) => l.split(':')[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    const completed = eventOf(events, 'recall_completed')!;
    expect(completed.candidates).toBe(8);
    // Only "3" and "0" were shown; they map back to real memory ids.
    const ids = completed.relevant_memory_ids as string[];
    expect(ids).toHaveLength(2);
    for (const id of ids) expect((await t.get(`/v1/memory/${id}`)).status).toBe(200);
  });
});
