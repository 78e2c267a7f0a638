/** A call that ran unasked because of an "always allow" rule says which rule, on the stream and in the log. */
import { describe, expect, it } from 'vitest';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

describe('a command run under an always-allow rule', () => {
  it('names the rule (its id, kind, pattern and workspace) on tool_call_started; a call a person approved names none', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'echo duck-rule-ok' } }], 'medium'),
        memory_policy: { should_store: false, summary: '' },
      },
      stream: [{ type: 'content_delta', delta: 'ok' }],
    });
    const runner = new FakeCommandRunner(() => ({ exitCode: 0, stdout: 'duck-rule-ok\n', stderr: '' }));
    const t = await startTestApp({ model, runner });

    const first = await t.stream('/v1/chat/stream', { message: 'run echo', workspace: t.dir });
    const { approval_id: approvalId, task_id: taskId } = firstOf(first, 'tool_approval_requested') as Record<string, string>;
    const { rule } = (await t.post(`/v1/approvals/${approvalId}/allow_always`)).json;
    const resumed = await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
    // Approved by the person here: no rule was used.
    expect(firstOf(resumed, 'tool_call_started')).not.toHaveProperty('approved_by_rule');

    const again = await t.stream('/v1/chat/stream', { message: 'run echo again', workspace: t.dir });
    expect(again.events.some((e) => e.event === 'tool_approval_requested')).toBe(false);
    const started = firstOf(again, 'tool_call_started');
    const named = { rule_id: rule.id, tool: 'shell_exec_safe', kind: 'command', pattern: rule.pattern, workspace: t.dir };
    expect(started.approved_by_rule).toEqual(named);
    expect(rule.pattern).toContain('echo');
    expect(firstOf(again, 'command_audit')).toMatchObject({ approved_by: 'rule', rule_id: rule.id });

    // The log keeps it too, so a reloaded chat says the same.
    const log = (await t.get(`/v1/tasks/${started.task_id}/events`)).json as Array<{ event_type: string; payload: Record<string, unknown> }>;
    expect(log.find((e) => e.event_type === 'tool_call_started')?.payload.approved_by_rule).toEqual(named);
    await t.app.close();
  });
});
