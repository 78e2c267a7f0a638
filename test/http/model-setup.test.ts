// Finding, choosing and fixing the model from inside ducklm, against fakes of each server kind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeServerOptions } from '../support/fake-openai-server.js';
import { namingScript } from '../support/naming-script.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const script = namingScript;

const servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(options: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
  const server = await startFakeOpenAIServer(script, options);
  servers.push(server);
  return server;
}

/** An app that looks only at these servers, with no model configured unless `env` says. */
function appFinding(urls: string[], env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  return startTestApp({ env: { DUCK_DISCOVER: urls.join(','), ...env } });
}

async function answer(t: TestApp, message = 'hello'): Promise<{ text: string; error?: { code: string; message: string } }> {
  const r = await t.stream('/v1/chat/stream', { message, workspace: t.dir });
  const text = r.events.filter((e) => e.event === 'content_delta').map((e) => String(e.data.delta)).join('');
  const error = r.events.find((e) => e.event === 'error')?.data as { code: string; message: string } | undefined;
  return { text, ...(error ? { error } : {}) };
}

const closedPort = 'http://127.0.0.1:9/v1';

describe('found without being told', () => {
  it('lists each server with its kind and models, and with one server offering one model chats with no configuration', async () => {
    const llama = await fake({ flavor: 'llamacpp' });
    const t = await appFinding([llama.baseUrl, closedPort]);
    const { json } = await t.get('/v1/models');
    expect(json.servers).toEqual([
      expect.objectContaining({ base_url: llama.baseUrl, kind: 'llamacpp', label: 'llama.cpp (llama-server)', reachable: true, models: [{ id: 'fake-model' }] }),
      expect.objectContaining({ base_url: closedPort, reachable: false, label: 'not running' }),
    ]);
    expect(json.selection).toMatchObject({ how: 'found', base_url: llama.baseUrl, models: { thinker: { model: 'fake-model', source: 'default' } } });
    expect(json.status).toMatchObject({ state: 'ready' });
    expect((await answer(t)).text).toBe('Answered by fake-model.');
  });

  it("says what each Ollama and LM Studio model is for, from the servers' own APIs", async () => {
    const ollama = await fake({ flavor: 'ollama', chatModels: ['qwen3:8b'], embeddingModels: ['nomic-embed-text'] });
    const lmstudio = await fake({ flavor: 'lmstudio', embeddingModels: ['text-embedding-nomic'] });
    const t = await appFinding([ollama.baseUrl, lmstudio.baseUrl]);
    const { json } = await t.get('/v1/models');
    const byUrl = Object.fromEntries(json.servers.map((s: { base_url: string }) => [s.base_url, s]));
    expect(byUrl[ollama.baseUrl]).toMatchObject({ kind: 'ollama', models: [{ id: 'qwen3:8b', kind: 'chat' }, { id: 'nomic-embed-text', kind: 'embedding' }] });
    expect(byUrl[lmstudio.baseUrl].kind).toBe('lmstudio');
    expect(byUrl[lmstudio.baseUrl].models).toContainEqual({ id: 'text-embedding-nomic', kind: 'embedding', loaded: true });
    // Two servers offer chat models: the person chooses, and the first message says so instead of guessing.
    expect(json.status.state).toBe('choose');
    const { error } = await answer(t);
    expect(error?.code).toBe('model_unavailable');
    expect(error?.message).toContain(`found 2 model servers (Ollama at ${ollama.baseUrl}, LM Studio at ${lmstudio.baseUrl}) and none is chosen`);
  });

  it('with nothing found and nothing configured, the first message explains how to get a model', async () => {
    const t = await appFinding([closedPort]);
    expect((await t.get('/v1/models')).json.status.state).toBe('unconfigured');
    const { error } = await answer(t);
    expect(error).toMatchObject({ code: 'model_unavailable' });
    expect(error!.message).toMatch(/Settings/);
  });
});

describe('errors that fix themselves or say how', () => {
  it('a base URL without /v1 works, and the correction is said', async () => {
    const llama = await fake({ flavor: 'llamacpp' });
    const root = llama.baseUrl.replace(/\/v1$/, '');
    const t = await appFinding([], { DUCK_MODEL_BASE_URL: root });
    const { json } = await t.get('/v1/models');
    expect(json.selection).toMatchObject({ how: 'configured', base_url: llama.baseUrl });
    expect(json.selection.notes.join(' ')).toContain(`${root} has its OpenAI API at ${llama.baseUrl}`);
    expect((await answer(t)).text).toBe('Answered by fake-model.');
  });

  it('an unknown model name answers with the models the server does offer', async () => {
    const ollama = await fake({ flavor: 'ollama', chatModels: ['qwen3:8b', 'llama3.2:3b'] });
    const t = await appFinding([], { DUCK_MODEL_BASE_URL: ollama.baseUrl, DUCK_MODEL: 'local-main' });
    const { error } = await answer(t);
    expect(error?.code).toBe('model_not_found');
    expect(error?.message).toContain('has no model "local-main" (it said: model "local-main" not found, try pulling it first). It offers: qwen3:8b, llama3.2:3b');
  });

  it('a server offering several models (a router) asks for a choice instead of failing on "local-main"', async () => {
    const router = await fake({ flavor: 'llamacpp', chatModels: ['qwen3-4b', 'gemma-3-1b'], router: true });
    const t = await appFinding([router.baseUrl]);
    const { json } = await t.get('/v1/models');
    expect(json.status).toMatchObject({ state: 'choose' });
    expect(json.servers[0].models).toEqual([
      { id: 'qwen3-4b', loaded: false },
      { id: 'gemma-3-1b', loaded: false },
    ]);
    expect(json.selection.unchosen).toHaveLength(5);
  });
});

describe('chosen in the product', () => {
  it('a choice is saved in ducklm.config.json and used by the next message, without a restart', async () => {
    const router = await fake({ flavor: 'llamacpp', chatModels: ['qwen3-4b', 'gemma-3-1b'] });
    const t = await appFinding([router.baseUrl]);
    const saved = await t.put('/v1/models/selection', { base_url: router.baseUrl, model: 'gemma-3-1b' });
    expect(saved.status).toBe(200);
    expect(saved.json.selection.models.thinker).toEqual({ model: 'gemma-3-1b', source: 'file' });
    expect(saved.json.status.state).toBe('ready');
    expect(JSON.parse(readFileSync(join(t.dir, 'ducklm.config.json'), 'utf8'))).toEqual({ baseUrl: router.baseUrl, model: 'gemma-3-1b' });
    expect((await answer(t)).text).toBe('Answered by gemma-3-1b.');
    // One role of its own; the others keep the shared choice.
    await t.put('/v1/models/selection', { roles: { thinker: 'qwen3-4b' } });
    expect((await answer(t)).text).toBe('Answered by qwen3-4b.');
  });

  it('environment variables still win, and the answer says which', async () => {
    const router = await fake({ flavor: 'llamacpp', chatModels: ['qwen3-4b', 'gemma-3-1b'] });
    const t = await appFinding([], { DUCK_MODEL_BASE_URL: router.baseUrl, DUCK_MODEL: 'qwen3-4b' });
    const saved = await t.put('/v1/models/selection', { model: 'gemma-3-1b' });
    expect(saved.json.selection.locked).toContain('DUCK_MODEL_BASE_URL');
    expect(saved.json.selection.models.thinker).toEqual({ model: 'qwen3-4b', source: 'env' });
    expect((await answer(t)).text).toBe('Answered by qwen3-4b.');
  });

  it('refuses bad choices with a clear error and changes nothing', async () => {
    const t = await appFinding([closedPort]);
    expect((await t.put('/v1/models/selection', [])).status).toBe(400);
    expect((await t.put('/v1/models/selection', {})).status).toBe(422);
    expect((await t.put('/v1/models/selection', { base_url: 'ftp://nope' })).status).toBe(422);
    expect((await t.put('/v1/models/selection', { roles: { planner: 'x' } })).status).toBe(422);
    expect((await t.put('/v1/models/selection', { model: 'x', extra: 1 })).status).toBe(422);
    expect(() => readFileSync(join(t.dir, 'ducklm.config.json'))).toThrow();
  });
});
