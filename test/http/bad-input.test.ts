import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { directive, DownModelClient, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp, tempDir, type TestApp } from '../support/test-app.js';

const quiet = { memory_policy: { should_store: false, summary: '' } };
const answer = [{ type: 'content_delta' as const, delta: 'fine' }];

async function raw(t: TestApp, path: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { ...t.auth, 'content-type': contentType }, body });
  return { status: response.status, json: (await response.json()) as { error: { code: string; message: string } } };
}

/** A task paused on `command`, with its approval id. */
async function pausedTask(command = 'uname -a') {
  const model = new FakeModelClient({
    chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command } }], 'medium'), ...quiet },
    stream: answer,
  });
  const runner = new FakeCommandRunner({ stdout: 'ok\n' });
  const t = await startTestApp({ model, runner });
  const r = await t.stream('/v1/chat/stream', { message: 'run it', workspace: t.dir });
  const requested = firstOf(r, 'tool_approval_requested');
  return { t, runner, model, taskId: requested.task_id as string, approvalId: requested.approval_id as string };
}

describe('bad requests get clear JSON errors and change nothing', () => {
  it('malformed JSON is a 400', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const r = await raw(t, '/v1/chat/stream', '{"message": "hi",');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('malformed_json');
  });

  it('missing or wrong fields are a 422 naming the field', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const r = await raw(t, '/v1/chat/stream', JSON.stringify({ workspace: '.', reasoning: 'maybe' }));
    expect(r.status).toBe(422);
    expect(r.json.error.message).toContain('message');
    expect(r.json.error.message).toContain('reasoning');
    expect((await raw(t, '/v1/chat/stream', '[1,2]')).status).toBe(400);
    expect((await raw(t, '/v1/memory', JSON.stringify({ text: 'x', scope: 'workspace' }))).status).toBe(422);
  });

  it('a body that is not JSON is a 415', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const r = await raw(t, '/v1/chat/stream', 'message=hi', 'application/x-www-form-urlencoded');
    expect(r.status).toBe(415);
    expect(r.json.error).toBeDefined();
  });

  it('unknown ids are 404s', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    expect((await t.get('/v1/tasks/task_nope/events')).status).toBe(404);
    expect((await t.get('/v1/conversations/conv_nope')).status).toBe(404);
    expect((await t.post('/v1/approvals/appr_nope/allow_once')).status).toBe(404);
    expect((await t.stream('/v1/tasks/task_nope/continue/stream', { approval_id: 'appr_nope' })).status).toBe(404);
    const r = await t.stream('/v1/chat/stream', { message: 'hi', workspace: t.dir, conversation_id: 'conv_nope' });
    expect(r.status).toBe(404);
    expect((await t.get('/v1/no/such/route')).json.error.code).toBe('not_found');
  });

  it('continuing before the approval is decided is a 409, and nothing runs', async () => {
    const { t, runner, taskId, approvalId } = await pausedTask();
    const r = await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
    expect(r.status).toBe(409);
    expect((r.json as { error: { message: string } }).error.message).toContain('allow_once');
    expect(runner.calls).toHaveLength(0);
  });

  it('a second continue is a 409 and the command runs once', async () => {
    const { t, runner, taskId, approvalId } = await pausedTask();
    await t.post(`/v1/approvals/${approvalId}/allow_once`);
    expect((await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })).status).toBe(200);
    expect((await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })).status).toBe(409);
    expect((await t.post(`/v1/approvals/${approvalId}/deny`)).status).toBe(409);
    expect(runner.calls).toHaveLength(1);
  });

  it('two continues at once: exactly one runs', async () => {
    const { t, runner, taskId, approvalId } = await pausedTask();
    await t.post(`/v1/approvals/${approvalId}/allow_once`);
    const statuses = await Promise.all([1, 2].map(() => t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId }).then((r) => r.status)));
    expect(statuses.sort()).toEqual([200, 409]);
    expect(runner.calls).toHaveLength(1);
  });

  it('an approval of another task is refused', async () => {
    const a = await pausedTask();
    const r = await a.t.stream('/v1/chat/stream', { message: 'run it again', workspace: a.t.dir });
    const otherTask = firstOf(r, 'tool_approval_requested').task_id as string;
    await a.t.post(`/v1/approvals/${a.approvalId}/allow_once`);
    expect((await a.t.stream(`/v1/tasks/${otherTask}/continue/stream`, { approval_id: a.approvalId })).status).toBe(404);
    expect(a.runner.calls).toHaveLength(0);
  });

  it('the password route refuses a task that is not waiting for one', async () => {
    const { t, runner, taskId, approvalId } = await pausedTask();
    await t.post(`/v1/approvals/${approvalId}/allow_once`);
    const r = await t.stream(`/v1/tasks/${taskId}/password/stream`, { approval_id: approvalId, password: 'hunter2' });
    expect(r.status).toBe(409);
    expect(r.body).not.toContain('hunter2');
    expect(runner.calls).toHaveLength(0);
  });
});

describe('model misbehaviour becomes events, never a crash', () => {
  it('a directive that is not JSON is recorded and the task still answers', async () => {
    const model = new FakeModelClient({ chat: { action: 'Sure! I will read the file for you.', ...quiet }, stream: answer });
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'check the files', workspace: t.dir, debug: true });
    expect(firstOf(r, 'directive_invalid').raw).toContain('Sure!');
    expect(firstOf(r, 'done').status).toBe('completed');
    expect(firstOf(r, 'content_delta').delta).toBe('fine');
  });

  it('a tool that does not exist becomes an observation the planner sees', async () => {
    const model = new FakeModelClient({
      chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'format_disk', args: {} }], 'low'), ...quiet },
      stream: answer,
    });
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'run the cleanup', workspace: t.dir });
    expect(firstOf(r, 'tool_call_finished')).toMatchObject({ tool: 'format_disk', ok: false });
    expect(String(firstOf(r, 'tool_call_finished').output)).toContain('Unknown tool');
    const secondPlan = model.calls.filter((c) => c.role === 'action')[1]!;
    expect(secondPlan.messages.at(-1)!.content).toContain('Unknown tool \\"format_disk\\". Available tools: file_read');
    expect(firstOf(r, 'done').status).toBe('completed');
  });

  it('the planner is stopped at the step limit', async () => {
    const model = new FakeModelClient({ chat: { action: directive([{ tool: 'list_dir', args: { path: '.' } }], 'low'), ...quiet }, stream: answer });
    const t = await startTestApp({ model, config: (c) => (c.runtime.maxActionSteps = 3) });
    const r = await t.stream('/v1/chat/stream', { message: 'list the folder', workspace: t.dir });
    expect(model.roles().filter((role) => role === 'action')).toHaveLength(3);
    expect(firstOf(r, 'action_step_limit').steps).toBe(3);
    expect(firstOf(r, 'done').status).toBe('completed');
  });

  it('garbage from memory policy and critic is recorded and the answer stands', async () => {
    const model = new FakeModelClient({ chat: { action: directive(), memory_policy: 'no json here', critic: '' }, stream: answer });
    const t = await startTestApp({ model, env: { DUCK_ENABLE_REFLECTION: '1' } });
    const r = await t.stream('/v1/chat/stream', { message: 'hello', workspace: t.dir });
    await t.app.runtime.idle();
    const events = ((await t.get(`/v1/tasks/${firstOf(r, 'done').task_id}/events`)).json as { event_type: string }[]).map((e) => e.event_type);
    expect(events).toEqual(expect.arrayContaining(['memory_policy_failed', 'reflection_failed']));
    const conversation = (await t.get(`/v1/conversations/${firstOf(r, 'done').conversation_id}`)).json;
    expect(conversation.messages.at(-1)).toMatchObject({ content: 'fine', status: 'completed' });
  });

  it('an unreachable model server ends the chat with a clear error and the server stays up', async () => {
    const t = await startTestApp({ model: new DownModelClient() });
    const r = await t.stream('/v1/chat/stream', { message: 'hello', workspace: t.dir });
    expect(r.status).toBe(200);
    expect(firstOf(r, 'error')).toMatchObject({ code: 'model_unavailable' });
    expect(String(firstOf(r, 'error').message)).toContain('http://127.0.0.1:9/v1');
    expect(firstOf(r, 'done').status).toBe('failed');
    expect((await t.get('/v1/health')).status).toBe(200);
  });
});

describe('the workspace boundary', () => {
  const readPlanner = (path: string) =>
    new FakeModelClient({ chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'file_read', args: { path } }], 'low'), ...quiet }, stream: answer });

  it.each([
    ['a .. path', (ws: string) => { void ws; return '../secret.txt'; }],
    ['a symlink that leaves it', (ws: string) => { symlinkSync(join(ws, '..', 'secret.txt'), join(ws, 'link.txt')); return 'link.txt'; }],
    ['a symlinked folder', (ws: string) => { mkdirSync(join(ws, '..', 'elsewhere')); writeFileSync(join(ws, '..', 'elsewhere', 'x.txt'), 'hidden'); symlinkSync(join(ws, '..', 'elsewhere'), join(ws, 'dir')); return 'dir/x.txt'; }],
    ['a sibling folder sharing its prefix', (ws: string) => { mkdirSync(`${ws}-evil`); writeFileSync(`${ws}-evil/x.txt`, 'hidden'); return `${ws}-evil/x.txt`; }],
  ])('%s asks before reading', async (_name, setup) => {
    const dir = tempDir();
    const ws = join(dir, 'ws');
    mkdirSync(ws);
    writeFileSync(join(dir, 'secret.txt'), 'top secret');
    const path = setup(ws);
    const t = await startTestApp({ model: readPlanner(path), dir });
    const r = await t.stream('/v1/chat/stream', { message: 'read it', workspace: ws });
    expect(firstOf(r, 'tool_approval_requested').tool).toBe('file_read');
    expect(r.body).not.toContain('top secret');
    expect(r.body).not.toContain('hidden');
  });

  it('a denied read is never performed and the model is told', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secret.txt'), 'top secret');
    mkdirSync(join(dir, 'ws'));
    const model = readPlanner('../secret.txt');
    const t = await startTestApp({ model, dir });
    const first = await t.stream('/v1/chat/stream', { message: 'read it', workspace: join(dir, 'ws') });
    const { task_id: taskId, approval_id: approvalId } = firstOf(first, 'tool_approval_requested') as { task_id: string; approval_id: string };
    expect((await t.post(`/v1/approvals/${approvalId}/deny`)).json.status).toBe('denied');
    const r = await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
    expect(firstOf(r, 'tool_denied').tool).toBe('file_read');
    expect(r.body).not.toContain('top secret');
    expect(model.calls.find((c) => c.role === 'thinker')!.messages.at(-1)!.content).toContain('denied');
    expect(firstOf(r, 'done').status).toBe('completed');
  });
});
