// Whether ducklm finds a server's embedding model by itself, against fakes that answer as Ollama,
// LM Studio, llama-server and vLLM do; and that it never makes a turn wait or probe every turn.
import { describe, expect, it } from 'vitest';
import { KeptAnswer } from '../../src/model/kept-answer.js';
import type { FakeFlavor } from '../support/fake-openai-server.js';
import { clientFor, closedPortUrl, fake } from './model-test-helpers.js';

const unused = () => ({ content: 'unused' });
const embeddingCalls = (probes: string[]) => probes.filter((p) => p === 'POST /v1/embeddings').length;

describe('an embedding model is found without configuration', () => {
  it('Ollama: the installed model whose /api/show capabilities include "embedding"', async () => {
    const server = await fake(unused, { flavor: 'ollama', embeddingModels: ['nomic-embed-text:latest'] });
    const client = clientFor(server.baseUrl, { server: 'auto' });
    // Nothing is known yet, and nothing is waited for: recall goes on lexically.
    expect(client.embeddings()).toBeNull();

    expect((await client.health()).embedding).toEqual({ model: 'nomic-embed-text:latest', origin: 'detected' });
    const source = client.embeddings()!;
    expect(source.embeddingModel).toBe('nomic-embed-text:latest');
    const [vector] = await source.embed(['duck']);
    expect(vector!.length).toBeGreaterThan(0);
    // The chat model was asked about too, and said it does not embed; nothing was probed by embedding.
    expect(server.probes).toContain('POST /api/show');
    expect(embeddingCalls(server.probes)).toBe(1);
  });

  it('LM Studio: an /api/v0/models entry of type "embeddings"', async () => {
    const server = await fake(unused, { flavor: 'lmstudio', embeddingModels: ['text-embedding-nomic-embed-text-v1.5'] });
    const client = clientFor(server.baseUrl, { server: 'auto' });
    expect((await client.health()).embedding).toEqual({ model: 'text-embedding-nomic-embed-text-v1.5', origin: 'detected' });
    expect(embeddingCalls(server.probes)).toBe(0);
  });

  it('llama-server started with --embeddings: its one model answers a probe with a vector', async () => {
    const server = await fake(unused, { flavor: 'llamacpp', embeddingModels: ['fake-model'] });
    const client = clientFor(server.baseUrl, { server: 'auto' });
    expect((await client.health()).embedding).toEqual({ model: 'fake-model', origin: 'detected' });
    expect(client.embeddings()?.embeddingModel).toBe('fake-model');
  });

  it('llama-server without --embeddings (501): none, asked once, not again every turn', async () => {
    const server = await fake(unused, { flavor: 'llamacpp' });
    const client = clientFor(server.baseUrl, { server: 'auto' });
    const health = await client.health();
    expect(health.reachable).toBe(true);
    expect(health.embedding).toBeNull();
    const asked = server.probes.length;
    expect(embeddingCalls(server.probes)).toBe(1);
    for (let turn = 0; turn < 5; turn++) expect(client.embeddings()).toBeNull();
    await client.health();
    // Only health's own model list: the answer about embeddings was kept.
    expect(server.probes.slice(asked)).toEqual(['GET /v1/models']);
  });

  it.each<FakeFlavor>(['vllm', 'openai', 'ollama', 'lmstudio'])('%s with no embedding model: none', async (flavor) => {
    const server = await fake(unused, { flavor });
    const client = clientFor(server.baseUrl, { server: 'auto' });
    expect((await client.health()).embedding).toBeNull();
    expect(client.embeddings()).toBeNull();
  });

  it('vLLM serving an embedding model: found by the probe', async () => {
    const server = await fake(unused, { flavor: 'vllm', embeddingModels: ['fake-model'] });
    const client = clientFor(server.baseUrl, { server: 'auto' });
    expect((await client.health()).embedding).toEqual({ model: 'fake-model', origin: 'detected' });
  });

  it('a server listing many models is not probed model by model', async () => {
    const server = await fake(unused, { flavor: 'openai', embeddingModels: ['e1', 'e2', 'e3'] });
    const client = clientFor(server.baseUrl, { server: 'auto' });
    expect((await client.health()).embedding).toBeNull();
    expect(embeddingCalls(server.probes)).toBe(0);
  });

  it('a router (llama-server --models-dir) is never made to load a model just to be asked about embeddings', async () => {
    const server = await fake(unused, { flavor: 'llamacpp', chatModels: ['alpha', 'beta'], router: true });
    const client = clientFor(server.baseUrl, { server: 'auto' });
    expect((await client.health()).embedding).toBeNull();
    expect(embeddingCalls(server.probes)).toBe(0);
  });

  it('DUCK_MODEL_EMBED wins: the named model is used and the server is not asked', async () => {
    const server = await fake(unused, { flavor: 'ollama', embeddingModels: ['nomic-embed-text:latest'] });
    const client = clientFor(server.baseUrl, { server: 'ollama', embeddingModel: 'mxbai-embed-large' });
    expect(client.embeddings()).toMatchObject({ embeddingModel: 'mxbai-embed-large', origin: 'configured' });
    expect((await client.health()).embedding).toEqual({ model: 'mxbai-embed-large', origin: 'configured' });
    expect(server.probes).not.toContain('POST /api/show');
  });

  it('DUCK_MODEL_EMBED=off: no embeddings, and the server is not asked about them', async () => {
    const server = await fake(unused, { flavor: 'ollama', embeddingModels: ['nomic-embed-text:latest'] });
    const client = clientFor(server.baseUrl, { server: 'ollama', embeddingModel: 'off' });
    expect(client.embeddings()).toBeNull();
    expect((await client.health()).embedding).toBeNull();
    expect(server.probes).not.toContain('GET /api/tags');
  });

  it('a server that is down makes nothing wait, and says nothing about embeddings', async () => {
    const client = clientFor(await closedPortUrl(), { server: 'auto' });
    expect(client.embeddings()).toBeNull();
    const health = await client.health();
    expect(health).toMatchObject({ reachable: false, embedding: null });
  });
});

describe('KeptAnswer: when the server is asked again', () => {
  function counter(answers: string[]) {
    let now = 0;
    let asked = 0;
    const kept = new KeptAnswer(
      async () => answers[Math.min(asked++, answers.length - 1)]!,
      (answer) => (answer === 'down' ? 30 : answer === 'none' ? 600 : Infinity),
      () => now,
    );
    return { kept, asked: () => asked, advance: (ms: number) => (now += ms) };
  }

  it('asks once however often it is read, and not again while the answer is good', async () => {
    const { kept, asked } = counter(['found']);
    expect(kept.current()).toBeUndefined();
    expect(kept.current()).toBeUndefined();
    expect(await kept.settled()).toBe('found');
    for (let i = 0; i < 10; i++) expect(kept.current()).toBe('found');
    expect(asked()).toBe(1);
  });

  it('a server that was down is asked again after its short window; a "none" after its long one', async () => {
    const { kept, asked, advance } = counter(['down', 'none', 'found']);
    expect(await kept.settled()).toBe('down');
    advance(29);
    expect(kept.current()).toBe('down');
    expect(asked()).toBe(1);
    advance(1);
    expect(await kept.settled()).toBe('none');
    advance(599);
    expect(await kept.settled()).toBe('none');
    advance(1);
    expect(await kept.settled()).toBe('found');
    expect(asked()).toBe(3);
  });

  it('an answer whose use failed is asked again after the given rest, not at once', async () => {
    const { kept, asked, advance } = counter(['found', 'found again']);
    await kept.settled();
    kept.expireWithin(100);
    expect(kept.current()).toBe('found');
    advance(100);
    expect(kept.current()).toBe('found');
    expect(await kept.settled()).toBe('found again');
    expect(asked()).toBe(2);
  });
});
