// Recall with embeddings nobody configured: the app's own model client, against a fake Ollama
// that has an embedding model installed, finds it, says so in health, and gives memories vectors.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createModelClient } from '../../src/model/create-model-client.js';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeScript } from '../support/fake-openai-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Each role asks for a model of its own name, so that the fake knows whom it answers. */
const ROLE_MODELS = { DUCK_MODEL_ACTION: 'action', DUCK_MODEL_THINKER: 'thinker', DUCK_MODEL_RECALL: 'recall', DUCK_MODEL_MEMORY_POLICY: 'memory_policy', DUCK_MODEL_CRITIC: 'critic' };

const script: FakeScript = ({ model }) => {
  if (model === 'action') return { content: JSON.stringify({ kind: 'action_directive', intent: 'answer', risk_level: 'low', actions: [] }) };
  if (model === 'thinker') return { content: 'You drive a red automobile.' };
  if (model === 'recall') return { content: JSON.stringify({ relevant_ids: [], sufficient_to_answer: false }) };
  return { content: JSON.stringify({ should_store: false, memory_type: 'note', summary: '', importance: 0, scope: 'conversation', metadata: {} }) };
};

const MEMORIES = ['The user owns a red automobile.', 'The billing service deploys to Kubernetes.', 'The user prefers short answers.'];

let server: FakeOpenAIServer | undefined;
// The test app closes itself after each test; the fake server is ours.
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function appAgainst(embeddingModels: string[]): Promise<TestApp> {
  server = await startFakeOpenAIServer(script, { flavor: 'ollama', embeddingModels });
  // No DUCK_MODEL_EMBED: the configuration a user starts with.
  const config = loadConfig({ DUCK_MODEL_BASE_URL: server.baseUrl, ...ROLE_MODELS });
  return startTestApp({ model: createModelClient(config.model), env: { DUCK_MODEL_BASE_URL: server.baseUrl, ...ROLE_MODELS } });
}

/** One turn; its answer text. */
async function chatOnce(t: TestApp, message: string): Promise<string> {
  const r = await t.stream('/v1/chat/stream', { message, workspace: t.dir });
  await t.app.runtime.idle();
  return r.events.filter((e) => e.event === 'content_delta').map((e) => String(e.data.delta)).join('');
}

const vectorRows = (t: TestApp) => t.app.store.db.prepare('SELECT model, COUNT(*) AS n FROM memory_vectors GROUP BY model').all();

describe('embeddings found without configuration', () => {
  it('an Ollama embedding model is found, named in health, and gives every memory a vector', async () => {
    const t = await appAgainst(['nomic-embed-text:latest']);
    const health = await t.get('/v1/health');
    expect(health.json.model.embedding).toEqual({ model: 'nomic-embed-text:latest', origin: 'detected' });
    // Memories kept from before there were embeddings: none has a vector yet.
    for (const text of MEMORIES) t.app.store.memories.add({ text, memory_type: 'fact', scope: 'global', workspace: null, conversation_id: null, importance: 0.5, metadata: {}, source_task_id: null });
    expect(vectorRows(t)).toEqual([]);

    const answer = await chatOnce(t, 'Which vehicle do I have?');

    expect(answer).toBe('You drive a red automobile.');
    // After the turn (never inside its recall) every memory got its vector.
    expect(vectorRows(t)).toEqual([{ model: 'nomic-embed-text:latest', n: MEMORIES.length }]);
    expect(server!.probes).toContain('POST /v1/embeddings');
    // A memory written through the API gets its vector at once.
    await t.post('/v1/memory', { text: 'The user grows tomatoes on the balcony.', scope: 'global' });
    expect(vectorRows(t)).toEqual([{ model: 'nomic-embed-text:latest', n: MEMORIES.length + 1 }]);
  });

  it('a server with no embedding model: recall stays lexical, and the server is not asked again each turn', async () => {
    const t = await appAgainst([]);
    expect((await t.get('/v1/health')).json.model.embedding).toBeNull();
    for (const text of MEMORIES) await t.post('/v1/memory', { text, scope: 'global' });
    const asked = server!.probes.filter((p) => p === 'GET /api/tags').length;

    await chatOnce(t, 'Which vehicle do I have?');
    await chatOnce(t, 'And where does billing deploy?');

    expect(vectorRows(t)).toEqual([]);
    expect(server!.probes).not.toContain('POST /v1/embeddings');
    expect(server!.probes.filter((p) => p === 'GET /api/tags')).toHaveLength(asked);
    expect(server!.requests.length).toBeGreaterThan(0);
  });
});
