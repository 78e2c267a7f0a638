import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/model/model-client.js';
import { answerNow, directive, FakeModelClient, hasObservations, useTools } from '../support/fake-model-client.js';
import { eventsOf, firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

const quiet = { memory_policy: { should_store: false, summary: '' } };

describe('what a turn costs', () => {
  it('a greeting: the planner decides, and its reply is read only up to the deciding key', async () => {
    const model = new FakeModelClient({ chat: { action: answerNow, ...quiet }, stream: [{ type: 'content_delta', delta: 'Hi!' }] });
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'hello', workspace: t.dir });
    expect(firstOf(r, 'action_loop_skipped')).toMatchObject({ decided_by: 'action' });
    expect(firstOf(r, 'content_delta').delta).toBe('Hi!');
    const planner = model.calls.find((c) => c.role === 'action')!;
    // `{"an` already says "answer now": the rest of the reply is never waited for.
    expect(planner.stoppedAt).toBeLessThanOrEqual('{"answer_now"'.length);
    expect(planner.options).toMatchObject({ reasoning: 'off', maxOutputTokens: expect.any(Number) });
  });

  it('a question about the machine still asks the planner', async () => {
    const model = new FakeModelClient({ chat: { action: directive(), ...quiet }, stream: [{ type: 'content_delta', delta: 'plenty' }] });
    const t = await startTestApp({ model });
    await t.stream('/v1/chat/stream', { message: 'how much disk space is left?', workspace: t.dir });
    expect(model.roles()[0]).toBe('action');
  });

  it('a directive that does not parse gets one repair call, which can save the turn', async () => {
    const model = new FakeModelClient({
      chat: { action: ['Sure, I will read it: {"tool": "file_read"', directive([{ tool: 'file_read', args: { path: 'a.txt' } }], 'low'), directive()], ...quiet },
      stream: [{ type: 'content_delta', delta: 'done' }],
    });
    const t = await startTestApp({ model });
    writeFileSync(join(t.dir, 'a.txt'), 'A');
    const r = await t.stream('/v1/chat/stream', { message: 'read a.txt', workspace: t.dir, debug: true });
    expect(r.events.some((e) => e.event === 'directive_invalid')).toBe(false);
    expect(firstOf(r, 'tool_call_finished').output).toBe('A');
    const repair = model.calls[1]!;
    expect(repair.messages.at(-2)).toEqual({ role: 'assistant', content: 'Sure, I will read it: {"tool": "file_read"' });
    expect(repair.messages.at(-1)!.content).toContain('Reply again with only the JSON object');
  });

  it('every role of a turn shares the system message, the history and the start of the last message', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'list_dir', args: { path: '.' } }], 'low'),
        recall: { relevant_ids: ['0'], sufficient_to_answer: false, reasoning: '' },
        ...quiet,
      },
      stream: [{ type: 'content_delta', delta: 'ok' }],
    });
    const t = await startTestApp({ model });
    await t.post('/v1/memory', { text: 'The user likes short answers.', scope: 'global', memory_type: 'preference', importance: 0.9 });
    const first = await t.stream('/v1/chat/stream', { message: 'list the files', workspace: t.dir });
    await t.app.runtime.idle();
    const conversationId = firstOf(first, 'done').conversation_id;
    model.calls.length = 0;
    await t.stream('/v1/chat/stream', { message: 'list the files again', workspace: t.dir, conversation_id: conversationId });
    await t.app.runtime.idle();

    expect(model.roles()).toEqual(['recall', 'action', 'action', 'thinker', 'memory_policy']);
    const [head, ...rest] = model.calls.map((c) => c.messages);
    for (const messages of rest) {
      expect(messages.slice(0, 3)).toEqual(head!.slice(0, 3)); // system, then the earlier user/assistant pair
      expect(messages[3]!.content.startsWith('list the files again')).toBe(true);
    }
    expect(head![1]!.content.startsWith('list the files')).toBe(true);
  });

  it("a turn's prompts extend what the previous answer's call saw and wrote, so a server's prompt cache serves them", async () => {
    const model = new FakeModelClient({
      chat: {
        action: (m) => (hasObservations(m.slice(-1)) || !m.at(-1)!.content.startsWith('list') ? answerNow : useTools([{ tool: 'list_dir', args: { path: '.' } }])),
        recall: (m) => (m.at(-1)!.content.startsWith('list') ? { use_tools: true, relevant_ids: [] } : { answer_now: true, relevant_ids: ['0'] }),
        ...quiet,
      },
      stream: (m) => [{ type: 'content_delta', delta: `answer ${m.length}` }],
    });
    const t = await startTestApp({ model });
    writeFileSync(join(t.dir, 'a.txt'), 'A');
    await t.post('/v1/memory', { text: 'The user likes short answers.', scope: 'global', memory_type: 'preference' });
    let conversationId: string | undefined;
    const answers: { messages: ChatMessage[]; answer: string }[] = [];
    for (const message of ['list the files', 'thanks, and what do you remember?', 'list them again']) {
      const r = await t.stream('/v1/chat/stream', { message, workspace: t.dir, ...(conversationId ? { conversation_id: conversationId } : {}) });
      conversationId = firstOf(r, 'done').conversation_id as string;
      await t.app.runtime.idle();
      const thinker = model.calls.filter((c) => c.role === 'thinker').at(-1)!;
      answers.push({ messages: thinker.messages, answer: eventsOf(r, 'content_delta').map((e) => e.data.delta).join('') });
    }
    for (let i = 1; i < answers.length; i++) {
      const before = [...answers[i - 1]!.messages, { role: 'assistant', content: answers[i - 1]!.answer }];
      expect(answers[i]!.messages.slice(0, before.length)).toEqual(before);
    }
    // The memory policy after an answer repeats that answer's call too, and adds only its question.
    const policy = model.calls.filter((c) => c.role === 'memory_policy').at(-1)!.messages;
    expect(policy.slice(0, -1)).toEqual([...answers.at(-1)!.messages, { role: 'assistant', content: answers.at(-1)!.answer }]);
  });

  it("uses the server's own speed figure when it reports one", async () => {
    const model = new FakeModelClient({
      chat: { action: answerNow, ...quiet },
      stream: [
        { type: 'content_delta', delta: 'Hi' },
        { type: 'usage', usage: { completionTokens: 1, promptTokens: 12, tokensPerSecond: 42.5 } },
      ],
    });
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'hello', workspace: t.dir });
    expect(firstOf(r, 'done').generation_stats).toMatchObject({ min_tokens_per_second: 42.5, max_tokens_per_second: 42.5 });
    expect(model.calls.filter((c) => c.kind === 'stream')).toHaveLength(1);
  });
});
