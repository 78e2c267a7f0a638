import { describe, expect, it, vi } from 'vitest';
import { SpawnCommandRunner } from '../../src/tools/shell/spawn-command-runner.js';
import type { StreamChunk } from '../../src/model/model-client.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

describe('a client that hangs up', () => {
  it('aborts the model request; the task is cancelled and the partial answer kept as such', async () => {
    let modelSawAbort!: () => void;
    const aborted = new Promise<void>((resolve) => (modelSawAbort = resolve));
    const model = new FakeModelClient({
      chat: { action: directive() },
      stream: (_messages, options) =>
        (async function* (): AsyncGenerator<StreamChunk> {
          yield { type: 'content_delta', delta: 'partial ' };
          await new Promise((_resolve, reject) =>
            options.signal!.addEventListener('abort', () => {
              modelSawAbort();
              reject(options.signal!.reason);
            }),
          );
        })(),
    });
    const t = await startTestApp({ model });
    const stream = await t.openStream('/v1/chat/stream', { message: 'tell me a long story', workspace: t.dir });
    const { task_id: taskId, conversation_id: conversationId } = (await stream.waitFor('runtime_status')).data as Record<string, string>;
    await stream.waitFor('content_delta');
    stream.hangUp();
    await aborted;

    await vi.waitFor(async () => expect((await t.get(`/v1/tasks/${taskId}`)).json.status).toBe('cancelled'), { timeout: 10_000 });
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
    stream.hangUp();

    await vi.waitFor(async () => expect((await t.get(`/v1/tasks/${taskId}`)).json.status).toBe('cancelled'), { timeout: 10_000 });
    const audit = (await t.get('/v1/audit/commands')).json[0].payload;
    expect(audit).toMatchObject({ command: 'sleep 30', outcome: 'cancelled' });
    expect(audit.duration_ms).toBeLessThan(10_000);
  });
});
