import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { StreamChunk } from '../../src/model/model-client.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp, tempDir } from '../support/test-app.js';

const quiet = { memory_policy: { should_store: false, summary: '' } };
const answering = (text: string) => new FakeModelClient({ chat: { action: directive(), ...quiet }, stream: [{ type: 'content_delta', delta: text }] });

describe('the conversations list', () => {
  it('lists conversations most recent first, titled by their first question, narrowed by workspace', async () => {
    const t = await startTestApp({ model: answering('ok') });
    const other = tempDir();
    const first = firstOf(await t.stream('/v1/chat/stream', { message: 'first question here', workspace: t.dir }), 'done').conversation_id as string;
    const second = firstOf(await t.stream('/v1/chat/stream', { message: 'about the other folder', workspace: other }), 'done').conversation_id as string;
    await t.stream('/v1/chat/stream', { message: 'a follow-up', workspace: t.dir, conversation_id: first });

    const all = (await t.get('/v1/conversations')).json.conversations;
    expect(all.map((c: { id: string }) => c.id)).toEqual([first, second]);
    expect(all[0]).toMatchObject({ title: 'first question here', message_count: 4 });
    const here = (await t.get(`/v1/conversations?workspace=${encodeURIComponent(t.dir)}`)).json.conversations;
    expect(here.map((c: { id: string }) => c.id)).toEqual([first]);
    expect((await t.get('/v1/conversations?limit=0')).status).toBe(422);
  });
});

describe('stopping a task', () => {
  it('aborts a running task from another request: its stream ends with done, status cancelled', async () => {
    let streams = 0;
    const model = new FakeModelClient({
      chat: { action: directive(), ...quiet },
      // The first answer hangs until it is stopped; later ones finish.
      stream: (_messages, options) =>
        streams++ > 0
          ? [{ type: 'content_delta', delta: 'quick' }]
          : (async function* (): AsyncGenerator<StreamChunk> {
              yield { type: 'content_delta', delta: 'partial ' };
              await new Promise((_resolve, reject) => options.signal!.addEventListener('abort', () => reject(options.signal!.reason)));
            })(),
    });
    const t = await startTestApp({ model });
    const stream = await t.openStream('/v1/chat/stream', { message: 'tell me a long story', workspace: t.dir });
    const { task_id: taskId } = (await stream.waitFor('runtime_status')).data as Record<string, string>;
    await stream.waitFor('content_delta');

    expect((await t.post(`/v1/tasks/${taskId}/cancel`)).json).toEqual({ task_id: taskId, outcome: 'stopping' });
    expect((await stream.waitFor('done')).data).toMatchObject({ status: 'cancelled' });
    expect((await t.get(`/v1/tasks/${taskId}`)).json.status).toBe('cancelled');
    // Stopping again is harmless; a finished task has nothing to stop.
    expect((await t.post(`/v1/tasks/${taskId}/cancel`)).json.outcome).toBe('cancelled');
    const finished = firstOf(await t.stream('/v1/chat/stream', { message: 'quick one', workspace: t.dir }), 'done').task_id as string;
    expect((await t.post(`/v1/tasks/${finished}/cancel`)).status).toBe(409);
    expect((await t.post('/v1/tasks/task_nope/cancel')).status).toBe(404);
  });

  it('lists the tasks waiting for the person, with what they wait on, until they are decided', async () => {
    const model = new FakeModelClient({
      chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'rm -rf build' } }], 'high'), ...quiet },
      stream: [{ type: 'content_delta', delta: 'done' }],
    });
    const t = await startTestApp({ model, runner: new FakeCommandRunner({ stdout: '' }) });
    expect((await t.get('/v1/tasks/waiting')).json).toEqual({ tasks: [] });
    const requested = firstOf(await t.stream('/v1/chat/stream', { message: 'clean the build', workspace: t.dir }), 'tool_approval_requested');

    expect(requested.needs_password).toBe(false);
    const [waiting] = (await t.get('/v1/tasks/waiting')).json.tasks;
    expect(waiting).toMatchObject({ task_id: requested.task_id, message: 'clean the build', status: 'waiting_for_approval', approval: { approval_id: requested.approval_id, args: { command: 'rm -rf build' }, status: 'pending' } });
    await t.post(`/v1/tasks/${requested.task_id}/cancel`);
    expect((await t.get('/v1/tasks/waiting')).json.tasks).toEqual([]);
  });

  it('ends a task paused for approval: the approval is denied and cannot be continued', async () => {
    const model = new FakeModelClient({
      chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'rm -rf build' } }], 'high'), ...quiet },
      stream: [{ type: 'content_delta', delta: 'done' }],
    });
    const runner = new FakeCommandRunner({ stdout: '' });
    const t = await startTestApp({ model, runner });
    const requested = firstOf(await t.stream('/v1/chat/stream', { message: 'clean the build', workspace: t.dir }), 'tool_approval_requested');
    const taskId = requested.task_id as string;

    expect((await t.post(`/v1/tasks/${taskId}/cancel`)).json.outcome).toBe('cancelled');
    expect((await t.get(`/v1/tasks/${taskId}`)).json.status).toBe('cancelled');
    expect((await t.get(`/v1/approvals/${requested.approval_id}`)).json.status).toBe('denied');
    expect((await t.post(`/v1/approvals/${requested.approval_id}/allow_once`)).status).toBe(409);
    expect((await t.post(`/v1/tasks/${taskId}/continue/stream`, { approval_id: requested.approval_id })).status).toBe(409);
    expect(runner.calls).toHaveLength(0);
  });
});

describe('picking a workspace', () => {
  it('offers the workspaces chats used, most recent first, and a default', async () => {
    const t = await startTestApp({ model: answering('ok') });
    expect((await t.get('/v1/workspaces')).json.recent).toEqual([]);
    const other = tempDir();
    await t.stream('/v1/chat/stream', { message: 'hi', workspace: t.dir });
    await t.stream('/v1/chat/stream', { message: 'hi', workspace: other });
    const { recent, default: chosen } = (await t.get('/v1/workspaces')).json;
    expect(recent.map((w: { path: string }) => w.path)).toEqual([other, t.dir]);
    expect(chosen).toBe(other);
  });

  it('lists the folders inside a folder, hidden ones only on request, and refuses files and missing paths', async () => {
    const t = await startTestApp({ model: answering('ok') });
    const root = tempDir();
    mkdirSync(join(root, 'beta'));
    mkdirSync(join(root, 'Alpha'));
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'notes.txt'), 'x');
    symlinkSync(join(root, 'beta'), join(root, 'linked'));

    const listing = (await t.get(`/v1/directories?path=${encodeURIComponent(root)}`)).json;
    expect(listing).toMatchObject({ path: root, directories: ['Alpha', 'beta', 'linked'], truncated: false });
    expect(listing.parent).toBe(join(root, '..'));
    expect((await t.get(`/v1/directories?path=${encodeURIComponent(root)}&hidden=true`)).json.directories).toContain('.git');
    expect((await t.get(`/v1/directories?path=${encodeURIComponent(join(root, 'notes.txt'))}`)).status).toBe(422);
    expect((await t.get(`/v1/directories?path=${encodeURIComponent(join(root, 'missing'))}`)).status).toBe(404);
    expect((await t.get('/v1/directories?path=/')).json.parent).toBeNull();
    expect((await t.get('/v1/directories?path=some/relative')).status).toBe(422);
    expect((await t.get('/v1/directories?path=~')).json.path).toBe(realpathSync(homedir()));
  });
});

describe('experience lessons', () => {
  it('a lesson a person judges wrong can be deleted', async () => {
    const t = await startTestApp({ model: answering('ok') });
    const lesson = t.app.store.experience.add({ taskId: 'task_old', lesson: 'use ls -la', taskMessage: 'list files', workspace: t.dir });
    expect((await t.get('/v1/experience')).json).toHaveLength(1);
    expect((await t.delete(`/v1/experience/${lesson.id}`)).status).toBe(204);
    expect((await t.get('/v1/experience')).json).toEqual([]);
    expect((await t.delete(`/v1/experience/${lesson.id}`)).status).toBe(404);
  });
});

describe('the web page', () => {
  it('is served with its files; hashed files are cached for good, the page is revalidated', async () => {
    const t = await startTestApp({ model: answering('ok') });
    const page = await fetch(`${t.baseUrl}/`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${t.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const again = await fetch(`${t.baseUrl}${script}`, { headers: { 'if-none-match': asset.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${t.baseUrl}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });
});
