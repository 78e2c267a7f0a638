import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { eventsOf, firstOf } from '../support/sse-client.js';
import { startTestApp, tempDir, type TestApp } from '../support/test-app.js';

const quiet = { memory_policy: { should_store: false, summary: '' } };
const answer = [{ type: 'content_delta' as const, delta: 'ok' }];

type Action = { tool: string; args: Record<string, unknown> };

/** A planner that runs the actions the user message spells out as JSON (on its first line), once per task. */
function planner() {
  return new FakeModelClient({
    chat: { action: (m) => directive(hasObservations(m) ? [] : (JSON.parse(m.at(-1)!.content.split('\n')[0]!) as Action[]), 'low'), ...quiet },
    stream: answer,
  });
}

async function app(dir = tempDir()): Promise<{ t: TestApp; ws: string; ask: (...actions: Action[]) => ReturnType<TestApp['stream']> }> {
  const ws = join(dir, 'ws');
  mkdirSync(ws, { recursive: true });
  const t = await startTestApp({ model: planner(), dir });
  return { t, ws, ask: (...actions) => t.stream('/v1/chat/stream', { message: JSON.stringify(actions), workspace: ws }) };
}

/** Allows the approval the run asked for (once, or always) and continues the task. */
async function approve(t: TestApp, run: Awaited<ReturnType<TestApp['stream']>>, how: 'allow_once' | 'allow_always' = 'allow_once') {
  const { approval_id: approvalId, task_id: taskId } = firstOf(run, 'tool_approval_requested') as Record<string, string>;
  expect((await t.post(`/v1/approvals/${approvalId}/${how}`)).status).toBe(200);
  return t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
}

describe('file_edit and file_write through the API', () => {
  it('an edit asks with the exact diff, runs once approved, and is recorded', async () => {
    const { t, ws, ask } = await app();
    writeFileSync(join(ws, 'notes.txt'), 'a\nb\nc\n');
    const run = await ask({ tool: 'file_edit', args: { path: 'notes.txt', old: 'b', new: 'B' } });
    const asked = firstOf(run, 'tool_approval_requested');
    expect(asked.diff).toBe('--- a/notes.txt\n+++ b/notes.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    expect(asked.action_type).toBe('file_write');
    expect(asked.reason).toContain(`"Always allow" would let ducklm write and edit any file in ${ws}`);
    expect((await t.get(`/v1/approvals/${asked.approval_id}`)).json.diff).toBe(asked.diff);
    expect(readFileSync(join(ws, 'notes.txt'), 'utf8')).toBe('a\nb\nc\n');

    const resumed = await approve(t, run);
    expect(readFileSync(join(ws, 'notes.txt'), 'utf8')).toBe('a\nB\nc\n');
    const finished = firstOf(resumed, 'tool_call_finished');
    const changed = firstOf(resumed, 'file_changed');
    expect(changed).toMatchObject({ call_id: finished.call_id, tool: 'file_edit', path: join(ws, 'notes.txt'), created: false, diff: asked.diff });
    expect(resumed.events.findIndex((e) => e.event === 'file_changed')).toBeGreaterThan(resumed.events.findIndex((e) => e.event === 'tool_call_finished'));

    const listed = await t.get(`/v1/file-changes?task_id=${asked.task_id}`);
    expect(listed.json.changes).toEqual([
      { change_id: changed.change_id, task_id: asked.task_id, call_id: finished.call_id, tool: 'file_edit', path: join(ws, 'notes.txt'), created: false, diff: asked.diff, created_at: expect.any(String), undone_at: null },
    ]);
    const conversationId = firstOf(run, 'done').conversation_id;
    expect((await t.get(`/v1/file-changes?conversation_id=${conversationId}`)).json.changes).toHaveLength(1);
  });

  it('undo restores the bytes, marks the change and tells the task log; twice is 409, unknown 404', async () => {
    const { t, ws, ask } = await app();
    writeFileSync(join(ws, 'notes.txt'), 'one\ntwo\n');
    const run = await ask({ tool: 'file_edit', args: { path: 'notes.txt', old: 'two', new: 'three' } });
    const changed = firstOf(await approve(t, run), 'file_changed');
    const undone = await t.post(`/v1/file-changes/${changed.change_id}/undo`);
    expect(undone.status).toBe(200);
    expect(undone.json).toEqual({ change_id: changed.change_id, path: join(ws, 'notes.txt'), undone_at: expect.any(String) });
    expect(readFileSync(join(ws, 'notes.txt'), 'utf8')).toBe('one\ntwo\n');

    const events = (await t.get(`/v1/tasks/${changed.task_id}/events`)).json as Array<{ event_type: string; payload: Record<string, unknown> }>;
    expect(events.find((e) => e.event_type === 'file_change_undone')?.payload).toMatchObject({ change_id: changed.change_id, path: join(ws, 'notes.txt') });
    expect((await t.get(`/v1/file-changes?task_id=${changed.task_id}`)).json.changes[0].undone_at).toBe(undone.json.undone_at);

    const again = await t.post(`/v1/file-changes/${changed.change_id}/undo`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('already_undone');
    expect((await t.post('/v1/file-changes/chg_nothing/undo')).status).toBe(404);
  });

  it('undo of a created file removes it', async () => {
    const { t, ws, ask } = await app();
    const run = await ask({ tool: 'file_write', args: { path: 'sub/new.md', content: 'hello\n' } });
    expect(firstOf(run, 'tool_approval_requested').diff).toBe('--- /dev/null\n+++ b/sub/new.md\n@@ -0,0 +1,1 @@\n+hello\n');
    const changed = firstOf(await approve(t, run), 'file_changed');
    expect(changed.created).toBe(true);
    expect(readFileSync(join(ws, 'sub/new.md'), 'utf8')).toBe('hello\n');
    expect((await t.post(`/v1/file-changes/${changed.change_id}/undo`)).status).toBe(200);
    expect(existsSync(join(ws, 'sub/new.md'))).toBe(false);
  });

  it('undo after someone else changed the file is refused, and the file is left alone', async () => {
    const { t, ws, ask } = await app();
    writeFileSync(join(ws, 'notes.txt'), 'one\n');
    const changed = firstOf(await approve(t, await ask({ tool: 'file_write', args: { path: 'notes.txt', content: 'two\n' } })), 'file_changed');
    writeFileSync(join(ws, 'notes.txt'), 'two, and my own words\n');
    const refused = await t.post(`/v1/file-changes/${changed.change_id}/undo`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('file_changed_since');
    expect(readFileSync(join(ws, 'notes.txt'), 'utf8')).toBe('two, and my own words\n');
    // A file removed meanwhile is refused the same way.
    const { rmSync } = await import('node:fs');
    rmSync(join(ws, 'notes.txt'));
    expect((await t.post(`/v1/file-changes/${changed.change_id}/undo`)).json.error.code).toBe('file_changed_since');
  });

  it('a file changed after approval is not written: the planner hears why', async () => {
    const { t, ws, ask } = await app();
    writeFileSync(join(ws, 'notes.txt'), 'a\nb\nc\n');
    const run = await ask({ tool: 'file_edit', args: { path: 'notes.txt', old: 'b', new: 'B' } });
    writeFileSync(join(ws, 'notes.txt'), 'a\nb\nc\nd\n');
    const resumed = await approve(t, run);
    const finished = firstOf(resumed, 'tool_call_finished');
    expect(finished.ok).toBe(false);
    expect(finished.output).toContain('changed since you approved');
    expect(finished.output).toContain('nothing was written');
    expect(eventsOf(resumed, 'file_changed')).toEqual([]);
    expect(readFileSync(join(ws, 'notes.txt'), 'utf8')).toBe('a\nb\nc\nd\n');
  });

  it('"always allow" stores an edits rule for the workspace; a second edit anywhere in it runs without asking', async () => {
    const { t, ws, ask } = await app();
    writeFileSync(join(ws, 'a.txt'), 'x\n');
    mkdirSync(join(ws, 'deep', 'er'), { recursive: true });
    writeFileSync(join(ws, 'deep', 'er', 'b.txt'), 'y\n');
    const first = await ask({ tool: 'file_edit', args: { path: 'a.txt', old: 'x', new: 'X' } });
    const { approval_id: approvalId } = firstOf(first, 'tool_approval_requested') as Record<string, string>;
    expect(firstOf(first, 'tool_approval_requested').always_offered).toBe(true);
    expect((await t.get(`/v1/approvals/${approvalId}`)).json.always_offered).toBe(true);
    const always = await t.post(`/v1/approvals/${approvalId}/allow_always`);
    expect(always.json.rule).toMatchObject({ tool: 'file_edit', kind: 'edits', pattern: ws, workspace: ws });
    await t.stream(`/v1/tasks/${firstOf(first, 'tool_approval_requested').task_id}/continue/stream`, { approval_id: approvalId });

    const second = await ask({ tool: 'file_edit', args: { path: 'deep/er/b.txt', old: 'y', new: 'Y' } });
    expect(eventsOf(second, 'tool_approval_requested')).toEqual([]);
    expect(firstOf(second, 'tool_call_started').approved_by_rule).toMatchObject({ kind: 'edits', pattern: ws });
    expect(readFileSync(join(ws, 'deep', 'er', 'b.txt'), 'utf8')).toBe('Y\n');
    const audit = (await t.get('/v1/audit/commands')).json as Array<{ payload: Record<string, unknown> }>;
    expect(audit[0]!.payload).toMatchObject({ tool: 'file_edit', command: 'file_edit deep/er/b.txt', action_type: 'file_write', approved_by: 'rule', outcome: 'ran' });
  });

  it('outside the workspace asks, with the diff, and offers no rule', async () => {
    // Not in the test app's folder, which is ducklm's data folder (never written).
    const dir = tempDir();
    const { t, ask } = await app();
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere', 'x.txt'), 'old\n');
    const run = await ask({ tool: 'file_write', args: { path: join(dir, 'elsewhere', 'x.txt'), content: 'new\n' } });
    const asked = firstOf(run, 'tool_approval_requested');
    expect(asked.reason).toContain('outside the workspace');
    expect(asked.reason).toContain('"Always allow" is not offered');
    expect(asked.always_offered).toBe(false);
    expect((await t.get(`/v1/approvals/${asked.approval_id}`)).json.always_offered).toBe(false);
    expect(asked.diff).toContain('-old\n+new\n');
    expect((await t.post(`/v1/approvals/${asked.approval_id}/allow_always`)).status).toBe(422);
    await approve(t, run);
    expect(readFileSync(join(dir, 'elsewhere', 'x.txt'), 'utf8')).toBe('new\n');
  });

  it('edits that cannot apply are refused without asking, and the planner reads how many matches there were', async () => {
    const { t, ws, ask } = await app();
    writeFileSync(join(ws, 'notes.txt'), 'same\nsame\n');
    const run = await ask({ tool: 'file_edit', args: { path: 'notes.txt', old: 'same', new: 'x' } }, { tool: 'file_edit', args: { path: 'notes.txt', old: 'absent', new: 'x' } });
    expect(eventsOf(run, 'tool_approval_requested')).toEqual([]);
    const outputs = eventsOf(run, 'tool_call_finished').map((e) => [e.data.ok, e.data.output]);
    expect(outputs[0]).toEqual([false, expect.stringContaining('found 2 times')]);
    expect(outputs[1]).toEqual([false, expect.stringContaining('found 0 times')]);
    const model = t.app.runtime.deps.model as FakeModelClient;
    expect(model.calls.filter((c) => c.role === 'action').at(-1)!.messages.at(-1)!.content).toContain('found 2 times');
    expect(readFileSync(join(ws, 'notes.txt'), 'utf8')).toBe('same\nsame\n');
    const audit = (await t.get('/v1/audit/commands')).json as Array<{ payload: Record<string, unknown> }>;
    expect(audit.map((a) => a.payload.outcome)).toEqual(['denied', 'denied']);
  });

  it('a denied write is audited as denied and writes nothing', async () => {
    const { t, ws, ask } = await app();
    const run = await ask({ tool: 'file_write', args: { path: 'todo.md', content: 'x' } });
    const { approval_id: approvalId, task_id: taskId } = firstOf(run, 'tool_approval_requested') as Record<string, string>;
    await t.post(`/v1/approvals/${approvalId}/deny`);
    await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
    expect(existsSync(join(ws, 'todo.md'))).toBe(false);
    const audit = (await t.get('/v1/audit/commands')).json as Array<{ payload: Record<string, unknown> }>;
    expect(audit[0]!.payload).toMatchObject({ tool: 'file_write', command: 'file_write todo.md (1 bytes)', outcome: 'denied', approved_by: 'none' });
  });

  it('a write is audited with what it did', async () => {
    const { t, ask } = await app();
    await approve(t, await ask({ tool: 'file_write', args: { path: 'todo.md', content: 'x'.repeat(120) } }));
    const audit = (await t.get('/v1/audit/commands')).json as Array<{ payload: Record<string, unknown> }>;
    expect(audit[0]!.payload).toMatchObject({ tool: 'file_write', command: 'file_write todo.md (created, 120 bytes)', approved_by: 'person', approved: true, outcome: 'ran' });
  });

  it('the list query is validated', async () => {
    const { t } = await app();
    expect((await t.get('/v1/file-changes')).status).toBe(422);
    expect((await t.get('/v1/file-changes?task_id=a&conversation_id=b')).status).toBe(422);
    expect((await t.get('/v1/file-changes?task_id=task_none')).json).toEqual({ changes: [] });
  });
});

describe("ducklm's own data is never written", () => {
  it('a write into the data folder is refused without asking, even with the home folder as workspace', async () => {
    const dir = tempDir();
    const home = join(dir, 'home');
    const data = join(home, '.local', 'share', 'ducklm');
    mkdirSync(home);
    const t = await startTestApp({ model: planner(), dir, env: { DUCK_DATA_DIR: data, DUCK_DB_PATH: join(data, 'duck.sqlite3') } });
    const run = await t.stream('/v1/chat/stream', { message: JSON.stringify([{ tool: 'file_write', args: { path: '.local/share/ducklm/api-token', content: 'mine' } }]), workspace: home });
    expect(eventsOf(run, 'tool_approval_requested')).toEqual([]);
    const finished = firstOf(run, 'tool_call_finished');
    expect(finished.ok).toBe(false);
    expect(finished.output).toContain("ducklm's own data");
    expect(finished.output).toContain('not even with approval');
  });
});

describe('rules and undo under attack', () => {
  it('an edits rule does not cover an edit after the task read file output: it asks again (the taint guard)', async () => {
    const { t, ws, ask } = await app();
    writeFileSync(join(ws, 'a.txt'), 'x\n');
    const first = await ask({ tool: 'file_edit', args: { path: 'a.txt', old: 'x', new: 'X' } });
    await approve(t, first, 'allow_always');
    const tainted = await ask({ tool: 'file_read', args: { path: 'a.txt' } }, { tool: 'file_edit', args: { path: 'a.txt', old: 'X', new: 'Y' } });
    const asked = firstOf(tainted, 'tool_approval_requested');
    expect(asked.tool).toBe('file_edit');
    expect(asked.reason).toContain('ask again even where a rule allows them');
    expect(asked.diff).toBe('--- a/a.txt\n+++ b/a.txt\n@@ -1,1 +1,1 @@\n-X\n+Y\n');
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('X\n');
  });

  it('undo through a symlink swapped in for the file is refused; the link target is untouched', async () => {
    const { t, ws, ask } = await app();
    const outside = join(tempDir(), 'target.txt');
    writeFileSync(join(ws, 'notes.txt'), 'one\n');
    const changed = firstOf(await approve(t, await ask({ tool: 'file_write', args: { path: 'notes.txt', content: 'two\n' } })), 'file_changed');
    // Same bytes as the change left, but behind a link that leads out of the workspace.
    writeFileSync(outside, 'two\n');
    const { rmSync, symlinkSync } = await import('node:fs');
    rmSync(join(ws, 'notes.txt'));
    symlinkSync(outside, join(ws, 'notes.txt'));
    const refused = await t.post(`/v1/file-changes/${changed.change_id}/undo`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('file_changed_since');
    expect(readFileSync(outside, 'utf8')).toBe('two\n');
  });

  it('the client that undid a change is named in the task log', async () => {
    const { t, ws, ask } = await app();
    writeFileSync(join(ws, 'notes.txt'), 'one\n');
    const changed = firstOf(await approve(t, await ask({ tool: 'file_write', args: { path: 'notes.txt', content: 'two\n' } })), 'file_changed');
    const response = await fetch(`${t.baseUrl}/v1/file-changes/${changed.change_id}/undo`, { method: 'POST', headers: { ...t.auth, 'x-ducklm-client': 'web' } });
    expect(response.status).toBe(200);
    const events = (await t.get(`/v1/tasks/${changed.task_id}/events`)).json as Array<{ event_type: string; payload: Record<string, unknown> }>;
    expect(events.find((e) => e.event_type === 'file_change_undone')?.payload.via).toBe('web');
    const audit = events.filter((e) => e.event_type === 'command_audit').at(-1)!.payload;
    expect(audit).toMatchObject({ tool: 'file_undo', command: `file_undo ${join(ws, 'notes.txt')} (restored 4 bytes)`, approved_by: 'person', approved: true, outcome: 'ran', action_type: 'file_write' });
  });
});
