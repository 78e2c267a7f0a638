import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StreamChunk } from '../../src/model/model-client.js';
import { generatedTitle } from '../../src/store/conversation-title.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { afterThisTest } from '../support/temp-dir.js';
import { startTestApp, tempDir, type TestApp } from '../support/test-app.js';

const quiet = { memory_policy: { should_store: false, summary: '' } };
const answering = (text: string) => new FakeModelClient({ chat: { action: directive(), ...quiet }, stream: [{ type: 'content_delta', delta: text }] });

async function send(t: TestApp, method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const hasBody = body !== undefined || raw !== undefined;
  const response = await fetch(`${t.baseUrl}${path}`, {
    method,
    headers: hasBody ? { ...t.auth, 'content-type': 'application/json' } : t.auth,
    ...(hasBody ? { body: raw ?? JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function chat(t: TestApp, message: string, workspace = t.dir, conversationId?: string): Promise<string> {
  const r = await t.stream('/v1/chat/stream', { message, workspace, ...(conversationId ? { conversation_id: conversationId } : {}) });
  return firstOf(r, 'done').conversation_id as string;
}

describe('conversation titles', () => {
  it('are made from the first line of the first message at once, cut at a word, and a rename wins for good', async () => {
    const t = await startTestApp({ model: answering('ok') });
    const long = 'Please help me migrate the billing service from the old Postgres cluster to the new one\nwith details';
    const id = await chat(t, long);
    const title = 'Please help me migrate the billing service from the old…';
    expect(generatedTitle(long)).toBe(title);
    expect([...title].length).toBeLessThanOrEqual(60);
    expect((await t.get(`/v1/conversations/${id}`)).json).toMatchObject({ conversation_id: id, title });
    expect((await t.get('/v1/conversations')).json.conversations[0]).toMatchObject({ id, title });

    const renamed = await send(t, 'PATCH', `/v1/conversations/${id}`, { title: '  Billing   move \n' });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ id, title: 'Billing move', message_count: 2 });
    await chat(t, 'and another question', t.dir, id);
    expect((await t.get(`/v1/conversations/${id}`)).json.title).toBe('Billing move');
    expect((await t.get('/v1/conversations')).json.conversations[0]).toMatchObject({ id, title: 'Billing move', message_count: 4 });
  });

  it('a rename of an unknown conversation is 404; a bad body is 422 or 400, and changes nothing', async () => {
    const t = await startTestApp({ model: answering('ok') });
    const id = await chat(t, 'hello there');
    expect((await send(t, 'PATCH', '/v1/conversations/conv_nope', { title: 'x' })).status).toBe(404);
    for (const body of [{ title: '' }, { title: '   ' }, { title: 'x'.repeat(201) }, { title: 42 }, {}, { title: 'ok', extra: 1 }]) {
      const r = await send(t, 'PATCH', `/v1/conversations/${id}`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.json.error.code).toBe('invalid_request');
    }
    expect((await send(t, 'PATCH', `/v1/conversations/${id}`, undefined, '[1]')).status).toBe(400);
    expect((await send(t, 'PATCH', `/v1/conversations/${id}`, undefined, '{not json')).status).toBe(400);
    expect((await send(t, 'PATCH', `/v1/conversations/${id}`, { title: 'x'.repeat(200) })).status).toBe(200);
    expect((await t.get(`/v1/conversations/${id}`)).json.title).toBe('x'.repeat(200));
  });
});

describe('deleting a conversation', () => {
  it('removes its messages, tasks and their events, but the command audit keeps its rows', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (m) => directive(hasObservations(m) || !m.at(-1)?.content.includes('list the files') ? [] : [{ tool: 'shell_exec_safe', args: { command: 'ls -la' }, reason: 'look' }], 'low'),
        ...quiet,
      },
      stream: [{ type: 'content_delta', delta: 'listed' }],
    });
    const t = await startTestApp({ model, runner: new FakeCommandRunner({ stdout: 'a\nb\n' }) });
    const r = await t.stream('/v1/chat/stream', { message: 'list the files', workspace: t.dir });
    const { conversation_id: id, task_id: taskId } = firstOf(r, 'done') as { conversation_id: string; task_id: string };
    const keep = await chat(t, 'a conversation that stays');
    // A memory only this conversation could see goes with it; one of wider scope learned there stays.
    const mine = await t.post('/v1/memory', { text: 'In this chat the build folder is called out.', scope: 'conversation', conversation_id: id });
    const other = await t.post('/v1/memory', { text: 'In the kept chat we use tabs.', scope: 'conversation', conversation_id: keep });
    const global = await t.post('/v1/memory', { text: 'The user likes short answers.', scope: 'global' });
    expect([mine.status, other.status, global.status]).toEqual([201, 201, 201]);
    const audit = (await t.get('/v1/audit/commands')).json;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ task_id: taskId, event_type: 'command_audit', payload: { command: 'ls -la' } });

    const deleted = await send(t, 'DELETE', `/v1/conversations/${id}`);
    expect(deleted.status).toBe(204);
    expect((await t.get(`/v1/conversations/${id}`)).status).toBe(404);
    expect((await t.get(`/v1/tasks/${taskId}`)).status).toBe(404);
    expect((await t.get('/v1/conversations')).json.conversations.map((c: { id: string }) => c.id)).toEqual([keep]);
    expect((await t.get('/v1/conversations?q=files')).json.conversations).toEqual([]);
    // The audit outlives the chat: the same row, still readable.
    expect((await t.get('/v1/audit/commands')).json).toEqual(audit);
    const left = t.app.store.db.prepare('SELECT event_type FROM task_events WHERE task_id = ?').all(taskId);
    expect(left).toEqual([{ event_type: 'command_audit' }]);
    expect(t.app.store.db.prepare('SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?').get(id)).toEqual({ n: 0 });
    expect(t.app.store.memories.all(10).map((m) => m.id).sort()).toEqual([other.json.id, global.json.id].sort());

    expect((await send(t, 'DELETE', `/v1/conversations/${id}`)).status).toBe(404);
    expect((await send(t, 'DELETE', '/v1/conversations/conv_nope')).json.error.code).toBe('not_found');
  });

  it('is refused with 409 while a task runs or waits for an approval, and allowed once it has ended', async () => {
    // The first task asks to run a command and waits; the second one's answer hangs until it is stopped.
    let asking = true;
    const model = new FakeModelClient({
      chat: { action: (m) => directive(hasObservations(m) || !asking ? [] : [{ tool: 'shell_exec_safe', args: { command: 'rm -rf build' } }], 'high'), ...quiet },
      stream: (_messages, options) =>
        asking
          ? [{ type: 'content_delta', delta: 'done' }]
          : (async function* (): AsyncGenerator<StreamChunk> {
              yield { type: 'content_delta', delta: 'partial ' };
              await new Promise((_resolve, reject) => options.signal!.addEventListener('abort', () => reject(options.signal!.reason)));
            })(),
    });
    const t = await startTestApp({ model, runner: new FakeCommandRunner({ stdout: '' }) });
    const requested = firstOf(await t.stream('/v1/chat/stream', { message: 'clean the build', workspace: t.dir }), 'tool_approval_requested');
    const paused = await t.get(`/v1/tasks/${requested.task_id}`);
    const id = paused.json.conversation_id as string;
    const refused = await send(t, 'DELETE', `/v1/conversations/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/waits for your decision/);
    await t.post(`/v1/tasks/${requested.task_id}/cancel`);
    asking = false;

    const stream = await t.openStream('/v1/chat/stream', { message: 'tell me a long story', workspace: t.dir, conversation_id: id });
    const { task_id: running } = (await stream.waitFor('runtime_status')).data as Record<string, string>;
    await stream.waitFor('content_delta');
    const busy = await send(t, 'DELETE', `/v1/conversations/${id}`);
    expect(busy.status).toBe(409);
    expect(busy.json.error.message).toMatch(/still running/);
    expect((await t.get(`/v1/conversations/${id}`)).json.messages.length).toBeGreaterThan(0);
    await t.post(`/v1/tasks/${running}/cancel`);
    await stream.waitFor('done');
    expect((await send(t, 'DELETE', `/v1/conversations/${id}`)).status).toBe(204);
  });
});

describe('searching conversations', () => {
  it('finds titles and message text by word forms, in English and Russian, across workspaces, best first with a snippet', async () => {
    const t = await startTestApp({ model: answering('Sure, here is how.') });
    const other = tempDir();
    const ducks = await chat(t, 'How do I feed the ducks in winter?');
    const goose = await chat(t, 'Тема: огород\nКак посадить картошку весной и когда собирать урожай картошки?', other);
    const renamed = await chat(t, 'something unrelated', other);
    await send(t, 'PATCH', `/v1/conversations/${renamed}`, { title: 'Feeding plan' });

    const english = (await t.get('/v1/conversations?q=feeding%20duck')).json.conversations;
    expect(english.map((c: { id: string }) => c.id).sort()).toEqual([ducks, renamed].sort());
    const byDuck = english.find((c: { id: string }) => c.id === ducks);
    expect(byDuck).toMatchObject({ workspace: t.dir, title: 'How do I feed the ducks in winter?', message_count: 2 });
    expect(byDuck.snippet).toContain('feed the ducks');
    expect(byDuck.updated_at).toEqual(expect.any(String));
    expect(byDuck.score).toBeGreaterThan(0);
    // Only the title matched: no message to quote.
    expect(english.find((c: { id: string }) => c.id === renamed)).toMatchObject({ workspace: other, title: 'Feeding plan', snippet: null });

    const russian = (await t.get(`/v1/conversations?q=${encodeURIComponent('картошка')}`)).json.conversations;
    expect(russian.map((c: { id: string }) => c.id)).toEqual([goose]);
    expect(russian[0]).toMatchObject({ workspace: other, title: 'Тема: огород' });
    expect(russian[0].snippet).toMatch(/картошку/);

    // One workspace narrows; a word nobody wrote finds nothing; an empty query lists.
    expect((await t.get(`/v1/conversations?q=duck&workspace=${encodeURIComponent(other)}`)).json.conversations).toEqual([]);
    expect((await t.get('/v1/conversations?q=zeppelin')).json.conversations).toEqual([]);
    expect((await t.get('/v1/conversations?q=the')).json.conversations).toEqual([]);
    expect((await t.get('/v1/conversations?q=')).json.conversations).toHaveLength(3);
    expect((await t.get(`/v1/conversations?q=${'x'.repeat(2001)}`)).status).toBe(422);
  });

  it('ranks the conversation that talks most about the words first', async () => {
    const t = await startTestApp({ model: answering('noted') });
    const once = await chat(t, 'I once saw a heron near the lake and then went home for lunch with friends');
    const often = await chat(t, 'Herons: where do herons nest?');
    await chat(t, 'And what do herons eat?', t.dir, often);
    const found = (await t.get('/v1/conversations?q=heron')).json.conversations.map((c: { id: string }) => c.id);
    expect(found).toEqual([often, once]);
  });
});

describe('migration 8 on a store written before it', () => {
  it('titles old conversations from their first question, makes their messages searchable, and keeps the audit apart from tasks', () => {
    const path = join(tempDir(), 'old.sqlite3');
    const old = new Database(path);
    for (const sql of MIGRATIONS.slice(0, 7)) old.exec(sql);
    old.pragma('user_version = 7');
    old.exec(`INSERT INTO conversations VALUES ('conv_1', '/ws', '2025-01-01T00:00:00.000Z');
      INSERT INTO tasks VALUES ('task_1', 'conv_1', '/ws', 'Почему падает сборка?', 'completed', '{}', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
      INSERT INTO messages (conversation_id, task_id, role, content, status, created_at) VALUES
        ('conv_1', 'task_1', 'user', 'Почему падает сборка?', 'completed', '2025-01-01T00:00:01.000Z'),
        ('conv_1', 'task_1', 'assistant', 'Сборки падают из-за кэша.', 'completed', '2025-01-01T00:00:02.000Z');
      INSERT INTO task_events (task_id, seq, event_type, payload, created_at) VALUES
        ('task_1', 1, 'runtime_status', '{}', '2025-01-01T00:00:01.000Z'),
        ('task_1', 2, 'command_audit', '{"command":"make"}', '2025-01-01T00:00:01.500Z');`);
    old.close();

    const store = Store.open(path);
    afterThisTest(() => store.close());
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(store.conversations.get('conv_1')).toMatchObject({ title: 'Почему падает сборка?', title_source: 'generated' });
    expect(store.conversations.search('сборки', 10).map((c) => c.id)).toEqual(['conv_1']);
    expect(store.conversations.delete('conv_1')).toEqual({ deleted: true });
    expect(store.events.listByType('command_audit', 10)).toMatchObject([{ task_id: 'task_1', payload: { command: 'make' } }]);
    expect(store.conversations.search('сборка', 10)).toEqual([]);
  });
});
