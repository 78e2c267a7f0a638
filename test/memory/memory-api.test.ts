import { describe, expect, it } from 'vitest';
import { FakeModelClient } from '../support/fake-model-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

async function patch(t: TestApp, path: string, body: unknown) {
  const response = await fetch(`${t.baseUrl}${path}`, { method: 'PATCH', headers: { ...t.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

const texts = (results: { text: string }[]) => results.map((m) => m.text);

describe('memory API', () => {
  it('lists, searches with word forms and filters by scope and type', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    await t.post('/v1/memory', { text: 'Пользователя зовут Владимир.', scope: 'global', memory_type: 'fact', importance: 0.9 });
    await t.post('/v1/memory', { text: 'The user prefers short answers.', scope: 'global', memory_type: 'preference' });
    await t.post('/v1/memory', { text: 'This project is tested with make check.', scope: 'workspace', workspace: t.dir, memory_type: 'note' });

    expect((await t.get('/v1/memory')).json.results).toHaveLength(3);
    const found = (await t.get(`/v1/memory?q=${encodeURIComponent('как зовут пользователя')}`)).json.results;
    expect(found[0]).toMatchObject({ text: 'Пользователя зовут Владимир.' });
    expect(found[0].score).toBeGreaterThan(0);
    expect(texts((await t.get('/v1/memory?scope=workspace')).json.results)).toEqual(['This project is tested with make check.']);
    expect(texts((await t.get('/v1/memory?type=preference')).json.results)).toEqual(['The user prefers short answers.']);
    expect((await t.get('/v1/memory?scope=planet')).status).toBe(422);
  });

  it('gets, corrects, shows the history of and deletes one memory', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const { id } = (await t.post('/v1/memory', { text: 'The user lives in Berlin.', scope: 'global' })).json;

    expect((await t.get(`/v1/memory/${id}`)).json).toMatchObject({ id, text: 'The user lives in Berlin.', superseded_by: null });
    const changed = await patch(t, `/v1/memory/${id}`, { text: 'The user lives in Hamburg.', importance: 0.9 });
    expect(changed.json).toMatchObject({ id, text: 'The user lives in Hamburg.', importance: 0.9 });
    // The index follows the text: the new city is found, the old one no longer.
    expect(texts((await t.get('/v1/memory?q=hamburg')).json.results)).toEqual(['The user lives in Hamburg.']);
    expect((await t.get('/v1/memory?q=berlin')).json.results).toEqual([]);
    const history = (await t.get(`/v1/memory/${id}/history`)).json;
    expect(history.events.map((e: { action: string; text: string }) => [e.action, e.text])).toEqual([
      ['created', 'The user lives in Berlin.'],
      ['updated', 'The user lives in Berlin.'],
    ]);

    expect((await patch(t, `/v1/memory/${id}`, {})).status).toBe(422);
    expect((await patch(t, `/v1/memory/${id}`, { scope: 'global' })).status).toBe(422);
    expect((await patch(t, '/v1/memory/mem_nope', { text: 'x' })).status).toBe(404);
    expect((await t.delete(`/v1/memory/${id}`)).status).toBe(204);
    expect((await t.get(`/v1/memory/${id}`)).status).toBe(404);
    expect((await t.delete(`/v1/memory/${id}`)).status).toBe(404);
    expect((await t.get(`/v1/memory/${id}/history`)).status).toBe(404);
  });

  it('exports to JSON and imports into another store: same memories, same chain, no duplicates', async () => {
    const model = new FakeModelClient();
    const source = await startTestApp({ model });
    const old = (await source.post('/v1/memory', { text: "The user's name is Vladimir.", scope: 'global', memory_type: 'fact' })).json;
    const replacement = (await source.post('/v1/memory', { text: "The user's name is Ivan.", scope: 'global', memory_type: 'fact' })).json;
    source.app.store.memories.supersede(old.id, replacement.id);
    await source.post('/v1/memory', { text: 'Tests run with make check.', scope: 'workspace', workspace: source.dir });
    const file = (await source.get('/v1/memory/export')).json;
    expect(file).toMatchObject({ format: 'ducklm-memory', version: 1 });
    expect(file.memories).toHaveLength(3);

    const target = await startTestApp({ model });
    await target.post('/v1/memory', { text: 'tests run with make check', scope: 'workspace', workspace: source.dir });
    expect((await target.post('/v1/memory/import', { memories: file.memories })).json).toEqual({ imported: 2, merged: 1, skipped: 0 });
    // Again: known ids are skipped, the duplicate merges again; nothing new is stored.
    expect((await target.post('/v1/memory/import', { memories: file.memories })).json).toEqual({ imported: 0, merged: 1, skipped: 2 });
    expect(texts((await target.get('/v1/memory')).json.results).sort()).toEqual(["The user's name is Ivan.", 'tests run with make check']);
    const chain = (await target.get(`/v1/memory/${old.id}/history`)).json.chain;
    expect(chain.map((m: { id: string }) => m.id)).toEqual([old.id, replacement.id]);

    expect((await target.post('/v1/memory/import', { memories: [{ text: 'x', scope: 'workspace' }] })).status).toBe(422);
    expect((await target.post('/v1/memory/import', {})).status).toBe(422);
  });
});
