import { describe, expect, it, vi } from 'vitest';
import { SpawnCommandRunner } from '../../src/tools/shell/spawn-command-runner.js';
import { answerNow, directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { GatedAnswer } from '../support/gated-stream.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

const quiet = { memory_policy: { should_store: false, summary: '' } };

describe('a client that hangs up', () => {
  it('stops following only: the task runs to its end and its answer is kept whole', async () => {
    const answer = new GatedAnswer(['Once ', 'upon ', 'a ', 'time.']);
    const model = new FakeModelClient({ chat: { action: answerNow, ...quiet }, stream: (_m, options) => answer.stream(options.signal) });
    const t = await startTestApp({ model });
    const stream = await t.openStream('/v1/chat/stream', { message: 'tell me a long story', workspace: t.dir });
    const { task_id: taskId, conversation_id: conversationId } = (await stream.waitFor('runtime_status')).data as Record<string, string>;
    answer.release(1);
    await stream.waitFor('content_delta');
    stream.hangUp();
    answer.finish();

    await vi.waitFor(async () => expect((await t.get(`/v1/tasks/${taskId}`)).json.status).toBe('completed'), { timeout: 10_000 });
    expect(answer.aborted).toBe(false);
    const messages = (await t.get(`/v1/conversations/${conversationId}`)).json.messages;
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Once upon a time.', status: 'completed' });
  });
});

describe('Stop', () => {
  it('aborts the model request; the task is cancelled, says who asked, and keeps the partial answer as such', async () => {
    const answer = new GatedAnswer(['partial ', 'never sent']);
    const model = new FakeModelClient({ chat: { action: answerNow }, stream: (_m, options) => answer.stream(options.signal) });
    const t = await startTestApp({ model });
    const stream = await t.openStream('/v1/chat/stream', { message: 'tell me a long story', workspace: t.dir });
    const { task_id: taskId, conversation_id: conversationId } = (await stream.waitFor('runtime_status')).data as Record<string, string>;
    answer.release(1);
    await stream.waitFor('content_delta');
    const stop = await fetch(`${t.baseUrl}/v1/tasks/${taskId}/cancel`, { method: 'POST', headers: { ...t.auth, 'x-ducklm-client': 'terminal' } });
    expect(await stop.json()).toEqual({ task_id: taskId, outcome: 'stopping' });

    const rest = await stream.rest();
    expect(rest.map((e) => e.event).slice(-3)).toEqual(['cancel_requested', 'error', 'done']);
    expect(firstOf({ events: rest } as never, 'cancel_requested')).toMatchObject({ via: 'terminal' });
    expect(rest.at(-1)!.data).toMatchObject({ status: 'cancelled' });
    expect(answer.aborted).toBe(true);
    expect((await t.get(`/v1/tasks/${taskId}`)).json.status).toBe('cancelled');
    const messages = (await t.get(`/v1/conversations/${conversationId}`)).json.messages;
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: 'partial ', status: 'cancelled' });
    expect((await t.get('/v1/health')).status).toBe(200);
  });

  it('kills a running command, and the audit says it was cancelled', async () => {
    const model = new FakeModelClient({
      chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'sleep 30' } }], 'low') },
    });
    const t = await startTestApp({ model, runner: new SpawnCommandRunner() });
    const first = await t.stream('/v1/chat/stream', { message: 'run sleep for a while', workspace: t.dir });
    const { task_id: taskId, approval_id: approvalId } = firstOf(first, 'tool_approval_requested') as Record<string, string>;
    await t.post(`/v1/approvals/${approvalId}/allow_once`);
    const stream = await t.openStream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
    await stream.waitFor('tool_call_started');
    await t.post(`/v1/tasks/${taskId}/cancel`);
    await stream.waitFor('done');

    expect((await t.get(`/v1/tasks/${taskId}`)).json.status).toBe('cancelled');
    const audit = (await t.get('/v1/audit/commands')).json[0].payload;
    expect(audit).toMatchObject({ command: 'sleep 30', outcome: 'cancelled' });
    expect(audit.duration_ms).toBeLessThan(10_000);
  });
});
