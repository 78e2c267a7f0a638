/**
 * Structured roles (planner, recall judge, memory policy) never think first, are bounded, and a
 * reply cut at its length limit is reported as cut, not as malformed JSON.
 */
import { describe, expect, it } from 'vitest';
import { chat, eventOf, typesOf } from '../memory/chat-helpers.js';
import { answerNow, CutReply, FakeModelClient } from '../support/fake-model-client.js';
import { startTestApp } from '../support/test-app.js';

const answer = [{ type: 'content_delta' as const, delta: 'ok' }];

describe('structured replies', () => {
  it('every structured call turns thinking off and bounds its tokens, whatever the answer does', async () => {
    const model = new FakeModelClient({
      chat: { recall: { use_tools: true, relevant_ids: [] }, action: answerNow, memory_policy: { should_store: false, summary: '' } },
      stream: answer,
    });
    const t = await startTestApp({ model });
    await t.post('/v1/memory', { text: 'The user likes tea.', scope: 'global' });
    await chat(t, { message: 'hello', workspace: t.dir, reasoning: 'on' });
    const structured = model.calls.filter((c) => c.kind === 'chat');
    expect(structured.map((c) => c.role)).toEqual(['recall', 'action', 'memory_policy']);
    for (const call of structured) {
      expect(call.options.reasoning).toBe('off');
      expect(call.options.maxOutputTokens).toBeGreaterThan(0);
      expect(call.options.responseFormat).toBeDefined();
    }
    expect(model.calls.find((c) => c.role === 'thinker')!.options.reasoning).toBe('on');
  });

  it('a planner reply cut at its bound is reported as cut, and the person still gets an answer', async () => {
    const model = new FakeModelClient({
      chat: { action: [new CutReply('{"actions":[{"tool":"file_read","args":{"path":"', 768)], memory_policy: { should_store: false, summary: '' } },
      stream: answer,
    });
    const t = await startTestApp({ model });
    const { r, events } = await chat(t, { message: 'read the notes', workspace: t.dir });
    expect(eventOf(events, 'reply_cut')).toMatchObject({ role: 'action' });
    expect(r.events.map((e) => e.event)).toContain('reply_cut');
    expect(String(eventOf(events, 'directive_invalid')!.message)).toContain('cut off');
    expect(String(eventOf(events, 'directive_invalid')!.message)).not.toContain('malformed');
    // No repair call for a cut reply: it would only be cut again.
    expect(model.roles()).toEqual(['action', 'thinker', 'memory_policy']);
    expect(typesOf(events)).toContain('done');
  });

  it('a reply cut short by a full context is asked again without the history', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (messages) => (messages.length > 2 ? new CutReply('{"answer', 3) : answerNow),
        memory_policy: { should_store: false, summary: '' },
      },
      stream: answer,
    });
    const t = await startTestApp({ model });
    const first = await chat(t, { message: 'hello', workspace: t.dir });
    model.calls.length = 0;
    const { events } = await chat(t, { message: 'hello again', workspace: t.dir, conversation_id: first.r.events.find((e) => e.event === 'done')!.data.conversation_id });
    const planner = model.calls.filter((c) => c.role === 'action');
    expect(planner.map((c) => c.messages.length)).toEqual([4, 2]);
    expect(planner[1]!.messages[1]!.content.startsWith('hello again')).toBe(true);
    expect(typesOf(events)).toContain('action_loop_skipped');
    expect(typesOf(events)).not.toContain('reply_cut');
  });
});
