import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directive, FakeModelClient } from '../support/fake-model-client.js';
import { startTestApp } from '../support/test-app.js';
import { chat, numberedLines, quietPolicy, typesOf } from './chat-helpers.js';

const answer = [{ type: 'content_delta' as const, delta: 'ok' }];
const texts = (r: { json: { results: { text: string }[] } }) => r.json.results.map((m) => m.text).sort();

async function twoWorkspaces(model: FakeModelClient) {
  const t = await startTestApp({ model });
  const [a, b] = [join(t.dir, 'alpha'), join(t.dir, 'beta')];
  mkdirSync(a);
  mkdirSync(b);
  return { t, a, b };
}

describe('scope isolation', () => {
  it("one workspace never sees another's memories: not in recall, not in listings", async () => {
    const model = new FakeModelClient({ chat: { recall: { relevant_ids: ['0', '1', '2'], sufficient_to_answer: false }, action: directive(), memory_policy: quietPolicy }, stream: answer });
    const { t, a, b } = await twoWorkspaces(model);
    await t.post('/v1/memory', { text: 'Alpha deploys with make ship-alpha.', scope: 'workspace', workspace: a, memory_type: 'note' });

    // Beta has nothing in view: recall does not even run.
    const beta = await chat(t, { message: 'How do we deploy? Run it.', workspace: b });
    expect(typesOf(beta.events)).not.toContain('recall_completed');
    expect(model.roles()).not.toContain('recall');

    await t.post('/v1/memory', { text: 'The user deploys on Fridays only.', scope: 'global', memory_type: 'preference' });
    await chat(t, { message: 'How do we deploy? Run it.', workspace: b });
    const lines = numberedLines(model.calls.find((c) => c.role === 'recall')!.messages);
    expect(lines).toEqual(['0: The user deploys on Fridays only.']);

    expect(texts(await t.get(`/v1/memory?workspace=${encodeURIComponent(b)}`))).toEqual(['The user deploys on Fridays only.']);
    expect(texts(await t.get(`/v1/memory?workspace=${encodeURIComponent(a)}`))).toEqual(['Alpha deploys with make ship-alpha.', 'The user deploys on Fridays only.']);
    expect(texts(await t.get(`/v1/memory?workspace=${encodeURIComponent(b)}&q=deploy`))).toEqual(['The user deploys on Fridays only.']);
  });

  it('a conversation memory stays in its conversation', async () => {
    const model = new FakeModelClient({ chat: { recall: { relevant_ids: [], sufficient_to_answer: false }, action: directive(), memory_policy: quietPolicy }, stream: answer });
    const t = await startTestApp({ model });
    const first = await chat(t, { message: 'hello', workspace: t.dir });
    const conversationId = first.events.find((e) => e.event_type === 'done')!.payload.conversation_id as string;
    await t.post('/v1/memory', { text: 'In this chat the user is called Captain.', scope: 'conversation', conversation_id: conversationId });

    await chat(t, { message: 'What am I called here?', workspace: t.dir });
    expect(model.roles()).not.toContain('recall');
    await chat(t, { message: 'What am I called here?', workspace: t.dir, conversation_id: conversationId });
    expect(numberedLines(model.calls.find((c) => c.role === 'recall')!.messages)).toEqual(['0: In this chat the user is called Captain.']);
  });

  it('the memory policy is shown only memories of its own view, and duplicates are looked for there only', async () => {
    const model = new FakeModelClient({
      chat: { action: directive(), recall: { relevant_ids: [], sufficient_to_answer: false }, memory_policy: { should_store: true, summary: 'The project uses pnpm.', memory_type: 'fact', scope: 'workspace', importance: 0.7 } },
      stream: answer,
    });
    const { t, a, b } = await twoWorkspaces(model);
    const inA = await chat(t, { message: 'We use pnpm here.', workspace: a });
    const inB = await chat(t, { message: 'We use pnpm here.', workspace: b });
    expect(typesOf(inA.events)).toContain('memory_stored');
    // Same words in another workspace: a memory of its own, not a merge into alpha's.
    expect(typesOf(inB.events)).toContain('memory_stored');
    expect(numberedLines(model.calls.filter((c) => c.role === 'memory_policy')[1]!.messages)).toEqual([]);
    expect((await t.get('/v1/memory')).json.results).toHaveLength(2);
  });
});
