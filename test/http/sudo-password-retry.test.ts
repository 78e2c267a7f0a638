/** A mistyped sudo password asks again; the model hears only what came of the command, never an attempt. */
import { describe, expect, it } from 'vitest';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

const PASSWORD = 'Right-Duck-Pass-2718';
const WRONG = 'wrong-Duck-Pass-1414';

/** sudo as `sudo -S` behaves: the right password on standard input runs the command, another is refused. */
const sudoRunner = () =>
  new FakeCommandRunner((request) =>
    request.input === `${PASSWORD}\n`
      ? { exitCode: 0, stdout: 'Hit:1 http://deb.debian.org\n', stderr: '' }
      : { exitCode: 1, stdout: '', stderr: 'Sorry, try again.\nsudo: 1 incorrect password attempt\n' },
  );

const sudoModel = () =>
  new FakeModelClient({
    chat: {
      action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'sudo apt update' } }], 'medium'),
      memory_policy: { should_store: false, summary: '' },
    },
    stream: [{ type: 'content_delta', delta: 'done updating' }],
  });

async function atPassword(model: FakeModelClient, runner: FakeCommandRunner) {
  const t = await startTestApp({ model, runner });
  const first = await t.stream('/v1/chat/stream', { message: 'update packages', workspace: t.dir });
  const { task_id: taskId, approval_id: approvalId } = firstOf(first, 'tool_approval_requested') as Record<string, string>;
  await t.post(`/v1/approvals/${approvalId}/allow_once`);
  const asked = await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
  expect(firstOf(asked, 'tool_password_requested')).toMatchObject({ attempt: 1, max_attempts: 3 });
  const callsBefore = model.calls.length;
  const password = (value: string) => t.stream(`/v1/tasks/${taskId}/password/stream`, { approval_id: approvalId, password: value });
  return { t, taskId, approvalId, callsBefore, password };
}

describe('a wrong sudo password', () => {
  it('asks again without reaching the model; after the right one the model is called once, never with a failure', async () => {
    const model = sudoModel();
    const runner = sudoRunner();
    const { t, taskId, approvalId, callsBefore, password } = await atPassword(model, runner);

    const wrong = await password(WRONG);
    // The task waits for the password again: the attempt is recorded (never the password), nothing was asked of the model.
    expect(firstOf(wrong, 'password_attempt')).toMatchObject({ approval_id: approvalId, attempt: 1, accepted: false });
    expect(firstOf(wrong, 'tool_password_requested')).toMatchObject({ approval_id: approvalId, attempt: 2, max_attempts: 3 });
    expect(firstOf(wrong, 'done')).toMatchObject({ status: 'waiting_for_password' });
    expect((await t.get(`/v1/tasks/${taskId}`)).json.status).toBe('waiting_for_password');
    expect(model.calls.length).toBe(callsBefore);

    const right = await password(PASSWORD);
    expect(firstOf(right, 'password_attempt')).toMatchObject({ attempt: 2, accepted: true });
    expect(firstOf(right, 'done')).toMatchObject({ status: 'completed' });
    await t.app.runtime.idle();

    expect(runner.calls.map((c) => c.input)).toEqual([`${WRONG}\n`, `${PASSWORD}\n`]);
    const thinkers = model.calls.slice(callsBefore).filter((c) => c.role === 'thinker');
    expect(thinkers).toHaveLength(1);
    const seen = JSON.stringify(model.calls);
    expect(seen).toContain('Hit:1 http://deb.debian.org');
    expect(seen).not.toContain('Sorry, try again');
    expect(seen).not.toContain('"ok":false');
    for (const secret of [PASSWORD, WRONG]) expect(seen).not.toContain(secret);
    const log = JSON.stringify((await t.get(`/v1/tasks/${taskId}/events`)).json);
    for (const secret of [PASSWORD, WRONG]) expect(log).not.toContain(secret);
    await t.app.close();
  });

  it('three times: the command counts as failed, and the model hears that once, not each attempt', async () => {
    const model = sudoModel();
    const runner = sudoRunner();
    const { t, callsBefore, password } = await atPassword(model, runner);

    for (const attempt of [1, 2]) {
      const again = await password(WRONG);
      expect(firstOf(again, 'password_attempt')).toMatchObject({ attempt, accepted: false });
      expect(firstOf(again, 'done')).toMatchObject({ status: 'waiting_for_password' });
    }
    expect(model.calls.length).toBe(callsBefore);
    const last = await password(WRONG);
    expect(firstOf(last, 'password_attempt')).toMatchObject({ attempt: 3, accepted: false });
    expect(last.events.some((e) => e.event === 'tool_password_requested')).toBe(false);
    expect(firstOf(last, 'done')).toMatchObject({ status: 'completed' });
    await t.app.runtime.idle();

    const thinker = model.calls.slice(callsBefore).find((c) => c.role === 'thinker')!;
    const seen = JSON.stringify(thinker.messages);
    expect(seen).toContain('sudo did not accept the password 3 times; the command did not run.');
    expect(seen).not.toContain('Sorry, try again');
    expect(JSON.stringify(model.calls)).not.toContain(WRONG);
    await t.app.close();
  });
});
