/**
 * The task log is the one record of a task, and any client follows it: from any event id, with
 * nothing lost and nothing twice, live across clients, and whatever those clients do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerNow, FakeModelClient, hasObservations, useTools } from '../support/fake-model-client.js';
import { GatedAnswer } from '../support/gated-stream.js';
import type { SseEvent } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

const quiet = { memory_policy: { should_store: false, summary: '' } };
const textOf = (events: SseEvent[]) => events.filter((e) => e.event === 'content_delta').map((e) => String(e.data.delta)).join('');

async function storyApp(deltas: string[]) {
  const answer = new GatedAnswer(deltas);
  const model = new FakeModelClient({ chat: { action: answerNow, ...quiet }, stream: (_m, options) => answer.stream(options.signal) });
  return { answer, t: await startTestApp({ model }) };
}

describe('following a task', () => {
  it('resumes after a dropped connection with exactly the text not yet received, mid-answer', async () => {
    const deltas = Array.from({ length: 40 }, (_, i) => `w${i} `);
    const { answer, t } = await storyApp(deltas);
    const first = await t.openStream('/v1/chat/stream', { message: 'tell me a story', workspace: t.dir });
    const { task_id: taskId, conversation_id: conversationId } = (await first.waitFor('runtime_status')).data as Record<string, string>;
    answer.release(5);
    await first.until(() => first.seen.filter((e) => e.event === 'content_delta').length === 5);
    first.hangUp();
    const lastId = first.seen.at(-1)!.id!;
    answer.release(10);

    // Resumed while the answer is still being written, from the middle of a stored run of deltas.
    const resumed = await t.follow(`/v1/tasks/${taskId}/stream`, { 'last-event-id': String(lastId) });
    expect(resumed.status).toBe(200);
    await resumed.until(() => textOf(first.seen) + textOf(resumed.seen) === deltas.slice(0, 15).join(''));
    answer.finish();
    const rest = await resumed.rest();

    const received = textOf(first.seen) + textOf(rest);
    expect(received).toBe(answer.text);
    expect(rest.map((e) => e.id!).every((id, i, ids) => id > lastId && (i === 0 || id > ids[i - 1]!))).toBe(true);
    expect(rest.at(-1)?.event === 'done' || rest.some((e) => e.event === 'done')).toBe(true);
    const task = (await t.get(`/v1/tasks/${taskId}`)).json;
    expect(task.status).toBe('completed');
    const messages = (await t.get(`/v1/conversations/${conversationId}`)).json.messages;
    expect(messages.at(-1).content).toBe(answer.text);
  });

  it('from every event id of a finished task, replays exactly the rest, though deltas are stored merged', async () => {
    const deltas = ['Hé', 'llo', ' wörld', ' 👋', '', ' and', ' more', '.'];
    const { answer, t } = await storyApp(deltas);
    answer.finish();
    const whole = await t.stream('/v1/chat/stream', { message: 'hi', workspace: t.dir });
    const taskId = String(whole.events[0]!.data.task_id);
    const stored = (await t.get(`/v1/tasks/${taskId}/events`)).json as { seq: number; event_type: string }[];
    // Merged: fewer rows than deltas, yet every delta had its own id on the live stream.
    expect(stored.filter((e) => e.event_type === 'content_delta').length).toBeLessThan(deltas.length);
    const ids = whole.events.map((e) => e.id!);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, ...ids), async (after) => {
        const replay = await (await t.follow(`/v1/tasks/${taskId}/stream?after=${after}`)).rest();
        const before = whole.events.filter((e) => e.id! <= after);
        expect(textOf(before) + textOf(replay)).toBe(answer.text);
        // The other events: exactly those after the id, in order.
        const others = (events: SseEvent[]) => events.filter((e) => e.event !== 'content_delta').map((e) => `${e.id}:${e.event}`);
        expect(others(replay)).toEqual(others(whole.events.filter((e) => e.id! > after)));
      }),
      { numRuns: Math.min(ids.length + 1, 25) },
    );
  });

  it('gives two followers the same events in the same order as the log', async () => {
    const { answer, t } = await storyApp(['one ', 'two ', 'three']);
    const start = await t.openStream('/v1/chat/stream', { message: 'count', workspace: t.dir });
    const taskId = String((await start.waitFor('runtime_status')).data.task_id);
    const a = await t.follow(`/v1/tasks/${taskId}/stream`);
    const b = await t.follow(`/v1/tasks/${taskId}/stream?after=0`);
    answer.finish();
    const [ea, eb, es] = await Promise.all([a.rest(), b.rest(), start.rest()]);
    const shape = (events: SseEvent[]) => events.map((e) => `${e.id}:${e.event}`);
    expect(shape(ea)).toEqual(shape(eb));
    expect(shape(ea)).toEqual(shape(es));
    const log = (await t.get(`/v1/tasks/${taskId}/events`)).json as { seq: number; event_type: string }[];
    // model_call is a debug event: in the log, not on a stream asked without debug.
    expect(log.filter((e) => e.event_type !== 'content_delta' && e.event_type !== 'model_call').map((e) => `${e.seq}:${e.event_type}`)).toEqual(shape(ea).filter((s) => !s.endsWith(':content_delta')));
    expect(textOf(ea)).toBe('one two three');
  });

  it('answers 404 for an unknown task and 400 for a bad resume point', async () => {
    const { t } = await storyApp([]);
    expect((await t.get('/v1/tasks/task_nope/stream')).status).toBe(404);
    const bad = await fetch(`${t.baseUrl}/v1/tasks/task_nope/stream`, { headers: { ...t.auth, 'last-event-id': 'twelve' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBeTruthy();
    expect((await t.get('/v1/tasks/task_nope/stream?after=-1')).status).toBe(422);
  });
});

describe('a paused task, followed through its pause', () => {
  async function pausedApp(keepAliveMs?: number) {
    const model = new FakeModelClient({
      chat: { action: (m) => (hasObservations(m) ? answerNow : useTools([{ tool: 'shell_exec_safe', args: { command: 'rm old.log' } }], true, 'high')), ...quiet },
      stream: [{ type: 'content_delta', delta: 'Removed.' }],
    });
    const t = await startTestApp({ model, ...(keepAliveMs ? { keepAliveMs } : {}) });
    const first = await t.stream('/v1/chat/stream', { message: 'remove old.log', workspace: t.dir });
    const asked = first.events.find((e) => e.event === 'tool_approval_requested')!;
    return { t, first, taskId: String(asked.data.task_id), approvalId: String(asked.data.approval_id) };
  }

  it('shows an approval decided in one client live in another, then the continued answer', async () => {
    const { t, first, taskId, approvalId } = await pausedApp();
    expect(first.events.at(-1)).toMatchObject({ event: 'done', data: { status: 'waiting_for_approval' } });
    const watcher = await t.follow(`/v1/tasks/${taskId}/stream?until=end`, { 'last-event-id': String(first.events.at(-1)!.id) });
    const decided = await fetch(`${t.baseUrl}/v1/approvals/${approvalId}/allow_once`, { method: 'POST', headers: { ...t.auth, 'x-ducklm-client': 'terminal' } });
    expect(decided.status).toBe(200);
    expect((await watcher.waitFor('approval_decided')).data).toMatchObject({ approval_id: approvalId, decision: 'allow_once', decided_by: 'person', via: 'terminal' });

    const continued = await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
    const seen = await watcher.rest();
    expect(seen.map((e) => e.event)).toEqual(expect.arrayContaining(['approval_decided', 'task_resumed', 'tool_call_started', 'content_delta', 'done']));
    // After the answer, what it decided to remember reaches the watcher too.
    expect(seen.filter((e) => e.event === 'done').at(-1)).toMatchObject({ data: { status: 'completed' } });
    expect(seen.at(-1)!.event).toBe('memory_policy_decision');
    // The continuing client and the watcher saw the same run.
    expect(continued.events.map((e) => e.id)).toEqual(seen.filter((e) => e.id! > seen.find((x) => x.event === 'approval_decided')!.id!).map((e) => e.id));
  });

  it('ends a plain follow at the pause, keeps an until=end follow alive with comments', async () => {
    const { t, taskId } = await pausedApp(40);
    const plain = await (await t.follow(`/v1/tasks/${taskId}/stream`)).rest();
    expect(plain.at(-1)).toMatchObject({ event: 'done', data: { status: 'waiting_for_approval' } });
    const watcher = await t.follow(`/v1/tasks/${taskId}/stream?until=end`);
    await watcher.until(() => watcher.comments() >= 2);
    expect(watcher.comments()).toBeGreaterThanOrEqual(2);
    watcher.hangUp();
  });

  it('a Stop ends it in one step: the approval denied by cancellation, and watchers told', async () => {
    const { t, taskId, approvalId } = await pausedApp();
    const watcher = await t.follow(`/v1/tasks/${taskId}/stream?until=end`);
    await watcher.waitFor('done');
    const stop = await fetch(`${t.baseUrl}/v1/tasks/${taskId}/cancel`, { method: 'POST', headers: { ...t.auth, 'x-ducklm-client': 'web' } });
    expect((await stop.json()).outcome).toBe('cancelled');
    const rest = await watcher.rest();
    expect(rest.slice(-3).map((e) => [e.event, e.data.decided_by ?? e.data.status ?? e.data.via])).toEqual([
      ['cancel_requested', 'web'],
      ['approval_decided', 'cancellation'],
      ['done', 'cancelled'],
    ]);
    expect((await t.get(`/v1/approvals/${approvalId}`)).json.status).toBe('denied');
  });
});

describe('stages', () => {
  it('come from the phase: after a tool the stage is planning again, never a stale tool', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (m) => (hasObservations(m) ? answerNow : useTools([{ tool: 'list_dir', args: { path: '.' } }], false, 'none')),
        ...quiet,
      },
      stream: [{ type: 'content_delta', delta: 'Here.' }],
    });
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'what is here?', workspace: t.dir });
    const flow = r.events.filter((e) => ['runtime_status', 'tool_call_finished', 'done'].includes(e.event)).map((e) => (e.event === 'runtime_status' ? `${e.data.stage}${e.data.detail ? `:${e.data.detail}` : ''}` : e.event));
    expect(flow).toEqual(['planning', 'running_tool:list_dir', 'tool_call_finished', 'planning', 'answering', 'done']);
  });
});
