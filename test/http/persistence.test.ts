import { describe, expect, it } from 'vitest';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp, tempDir } from '../support/test-app.js';

describe('restarting the server loses nothing', () => {
  it('a task waiting for approval is continued by the next process', async () => {
    const dir = tempDir();
    const script = () =>
      new FakeModelClient({
        chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'uname -a' } }], 'medium'), memory_policy: { should_store: false, summary: '' } },
        stream: [{ type: 'content_delta', delta: 'after restart' }],
      });
    const first = await startTestApp({ model: script(), dir });
    const r = await first.stream('/v1/chat/stream', { message: 'run uname', workspace: dir });
    const { task_id: taskId, approval_id: approvalId, conversation_id } = { ...firstOf(r, 'tool_approval_requested'), ...firstOf(r, 'done') } as Record<string, string>;
    await first.app.close();

    const runner = new FakeCommandRunner({ stdout: 'Linux\n' });
    const model = script();
    const second = await startTestApp({ model, runner, dir });
    expect((await second.get('/v1/approvals/pending')).json).toEqual([expect.objectContaining({ approval_id: approvalId, task_id: taskId })]);
    await second.post(`/v1/approvals/${approvalId}/allow_once`);
    const resumed = await second.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });

    expect(firstOf(resumed, 'tool_call_finished')).toMatchObject({ ok: true, output: expect.stringContaining('Linux') });
    expect(runner.calls).toHaveLength(1);
    expect(model.roles()).not.toContain('action');
    const conversation = (await second.get(`/v1/conversations/${conversation_id}`)).json;
    expect(conversation.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'run uname'],
      ['assistant', 'after restart'],
    ]);
    expect((await second.get(`/v1/tasks/${taskId}`)).json.status).toBe('completed');
  });
});
