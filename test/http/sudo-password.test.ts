import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

const PASSWORD = 'Tr0ub4dor-&-3-unique';

describe('the sudo password', () => {
  it('reaches sudo on standard input only, and nowhere else: not the streams, events, audit, conversation or database file', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'sudo apt update' } }], 'medium'),
        memory_policy: { should_store: true, memory_type: 'note', summary: 'The user updated packages.', importance: 0.3, scope: 'workspace', metadata: {} },
        critic: 'Lesson: sudo flows work.',
      },
      stream: [{ type: 'content_delta', delta: 'done updating' }],
    });
    // sudo echoing its input back in an error must not leak it either.
    const runner = new FakeCommandRunner((request) => ({ exitCode: 0, stdout: 'Hit:1 http://deb.debian.org\n', stderr: `[sudo] read ${request.input}` }));
    const t = await startTestApp({ model, runner, env: { DUCK_ENABLE_REFLECTION: '1' } });
    const responses: string[] = [];
    const first = await t.stream('/v1/chat/stream', { message: 'update packages', workspace: t.dir, debug: true });
    const { task_id: taskId, approval_id: approvalId } = firstOf(first, 'tool_approval_requested') as Record<string, string>;
    // Clients learn from the request itself that a password follows and that no rule can cover it.
    expect(firstOf(first, 'tool_approval_requested').needs_password).toBe(true);
    responses.push(first.body, JSON.stringify((await t.post(`/v1/approvals/${approvalId}/allow_once`)).json));
    responses.push((await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })).body);
    const final = await t.stream(`/v1/tasks/${taskId}/password/stream`, { approval_id: approvalId, password: PASSWORD });
    responses.push(final.body);
    await t.app.runtime.idle();

    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]!.input).toBe(`${PASSWORD}\n`);
    expect(runner.calls[0]!.spec).toEqual({ kind: 'argv', argv: ['sudo', '-S', '-k', '-p', '', 'apt', 'update'] });
    expect(JSON.stringify(runner.calls[0]!.env)).not.toContain(PASSWORD);
    expect(firstOf(final, 'tool_call_finished').output).toContain('[REDACTED]');
    // The attempt is in the task log, the password is not.
    expect(firstOf(final, 'password_attempt')).toMatchObject({ approval_id: approvalId, attempt: 1, accepted: true });
    expect(final.body.match(/^id: \d+$/gm)?.length).toBe(final.events.length);
    for (const path of [`/v1/tasks/${taskId}/events`, '/v1/audit/commands', '/v1/approvals/pending', `/v1/approvals/${approvalId}`, `/v1/conversations/${firstOf(first, 'done').conversation_id}`, '/v1/memory', '/v1/experience']) {
      responses.push(JSON.stringify((await t.get(path)).json));
    }
    for (const body of responses) expect(body).not.toContain(PASSWORD);
    const thinker = model.calls.find((c) => c.role === 'thinker')!;
    expect(JSON.stringify(thinker.messages)).not.toContain(PASSWORD);
    expect(JSON.stringify(model.calls)).not.toContain(PASSWORD);

    const audit = (await t.get('/v1/audit/commands')).json[0].payload;
    expect(audit).toMatchObject({ command: 'sudo apt update', sudo: true, approved: true, approved_by: 'person', action_type: 'privileged' });

    await t.app.close();
    for (const file of readdirSync(t.dir).filter((f) => f.startsWith('duck.sqlite3'))) {
      expect(readFileSync(join(t.dir, file)).includes(PASSWORD)).toBe(false);
    }
  });

  it('secrets in a command are redacted in the audit', async () => {
    const command = 'curl -H "Authorization: Bearer sk-abcdefghijklmnopqrstuv" https://user:hunter2@example.com/x';
    const model = new FakeModelClient({
      chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command } }], 'low'), memory_policy: { should_store: false, summary: '' } },
      stream: [{ type: 'content_delta', delta: 'ok' }],
    });
    const t = await startTestApp({ model });
    const first = await t.stream('/v1/chat/stream', { message: 'fetch it', workspace: t.dir });
    const { task_id: taskId, approval_id: approvalId } = firstOf(first, 'tool_approval_requested') as Record<string, string>;
    await t.post(`/v1/approvals/${approvalId}/deny`);
    await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
    const audit = JSON.stringify((await t.get('/v1/audit/commands')).json);
    expect(audit).toContain('"outcome":"denied"');
    expect(audit).toContain('[REDACTED]');
    expect(audit).not.toContain('sk-abcdefghijklmnopqrstuv');
    expect(audit).not.toContain('hunter2');
  });
});
