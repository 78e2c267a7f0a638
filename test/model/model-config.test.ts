import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { UserError } from '../../src/errors.js';
import { createModelClient } from '../../src/model/create-model-client.js';
import type { LazyEmbeddedModelClient } from '../../src/model/embedded/lazy-embedded-client.js';
import { loadConfigWithFile, MODEL_CONFIG_FILE, parseModelConfigFile, readModelConfigFile, type ModelConfigFile } from '../../src/model/model-config-file.js';
import { OpenAICompatibleClient } from '../../src/model/openai-compatible-client.js';
import { RoleRouter } from '../../src/model/role-router.js';
import { UnconfiguredModelClient } from '../../src/model/unconfigured-client.js';
import { tempDir } from '../support/temp-dir.js';
import { closedPortUrl, collect, fake, hello } from './model-test-helpers.js';

const PATH = '/data/ducklm.config.json';
const parse = (value: unknown) => parseModelConfigFile(JSON.stringify(value), PATH);
const parseError = (text: string) => {
  try {
    parseModelConfigFile(text, PATH);
  } catch (error) {
    return error;
  }
  throw new Error('expected the file to be refused');
};

describe('the config file', () => {
  it('accepts the documented format', () => {
    const file = parse({
      server: 'llamacpp',
      baseUrl: 'http://127.0.0.1:8080/v1/',
      model: 'qwen3-8b',
      roles: { action: { model: 'qwen3-4b', temperature: 0, maxTokens: 256, baseUrl: 'http://127.0.0.1:8081/v1' }, thinker: { temperature: 0.6 } },
    });
    expect(file).toEqual({
      server: 'llamacpp',
      baseUrl: 'http://127.0.0.1:8080/v1',
      model: 'qwen3-8b',
      roles: { action: { model: 'qwen3-4b', temperature: 0, maxTokens: 256, baseUrl: 'http://127.0.0.1:8081/v1' }, thinker: { temperature: 0.6 } },
    });
  });

  it.each([
    ['{"roles": {"action": {"temperature": "hot"}}}', /ducklm\.config\.json: roles\.action\.temperature: .*number/],
    ['{"roles": {"planner": {}}}', /ducklm\.config\.json: roles: .*"planner"/],
    ['{"tempreature": 1}', /ducklm\.config\.json: top level: .*"tempreature"/],
    ['{"server": "koboldcpp"}', /ducklm\.config\.json: server: .*"llamacpp"/],
    ['{"baseUrl": "127.0.0.1:8080"}', /ducklm\.config\.json: baseUrl: must be an http:\/\/ or https:\/\/ URL/],
    ['{"roles": {"action": {"maxTokens": 0}}}', /roles\.action\.maxTokens/],
    ['{"model": "x",}', /ducklm\.config\.json is not valid JSON/],
  ])('refuses %s with an error naming the file and the field', (text, message) => {
    const error = parseError(text);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(PATH);
  });

  it('is read from the data folder, and its absence is fine', () => {
    const dir = tempDir();
    expect(readModelConfigFile(dir)).toBeNull();
    writeFileSync(join(dir, MODEL_CONFIG_FILE), JSON.stringify({ model: 'from-file' }));
    expect(readModelConfigFile(dir)).toEqual({ model: 'from-file' });
    expect(loadConfigWithFile({ DUCK_DATA_DIR: dir }).model.models.thinker).toBe('from-file');

    writeFileSync(join(dir, MODEL_CONFIG_FILE), '{"roles": {"critic": {"temperature": 9}}}');
    expect(() => loadConfigWithFile({ DUCK_DATA_DIR: dir })).toThrow(new RegExp(`${MODEL_CONFIG_FILE}: roles\\.critic\\.temperature`));
  });
});

describe('loadConfig with the config file', () => {
  const file: ModelConfigFile = {
    server: 'vllm',
    baseUrl: 'http://box:8000/v1',
    model: 'file-default',
    roles: { action: { model: 'file-action', temperature: 0, maxTokens: 256 }, thinker: { baseUrl: 'http://big-box:8000/v1' } },
  };

  it('takes models, server, role defaults and role servers from the file', () => {
    const { model } = loadConfig({}, file);
    expect(model).toMatchObject({ baseUrl: 'http://box:8000/v1', server: 'vllm' });
    expect(model.models).toMatchObject({ action: 'file-action', thinker: 'file-default', critic: 'file-default' });
    expect(model.roles).toEqual({ action: { temperature: 0, maxTokens: 256 }, thinker: { baseUrl: 'http://big-box:8000/v1' } });
  });

  it('lets the environment win', () => {
    const env = { DUCK_MODEL_BASE_URL: 'http://127.0.0.1:8080/v1/', DUCK_MODEL: 'env-default', DUCK_MODEL_CRITIC: 'env-critic', DUCK_MODEL_SERVER: 'LlamaCpp' };
    const { model } = loadConfig(env, file);
    expect(model).toMatchObject({ baseUrl: 'http://127.0.0.1:8080/v1', server: 'llamacpp' });
    expect(model.models).toMatchObject({ action: 'env-default', thinker: 'env-default', critic: 'env-critic' });
    // DUCK_MODEL_BASE_URL sends every role to its server; the sampling defaults stay.
    expect(model.roles).toEqual({ action: { temperature: 0, maxTokens: 256 } });
  });

  it('without a file: auto detection and the old defaults', () => {
    expect(loadConfig({}).model).toEqual({
      baseUrl: null,
      apiKey: undefined,
      models: expect.objectContaining({ thinker: 'local-main' }),
      server: 'auto',
      roles: {},
      embeddingModel: 'auto',
      modelPath: null,
      embedded: { contextSize: 4096, sequences: 4, gpu: 'auto' },
      idleTimeoutMs: 120_000,
      // Nothing said: ducklm looks where local servers usually listen, and may choose.
      discover: ['http://127.0.0.1:8080/v1', 'http://127.0.0.1:11434/v1', 'http://127.0.0.1:1234/v1', 'http://127.0.0.1:8000/v1'],
      sources: { baseUrl: 'default', modelPath: 'default', models: expect.objectContaining({ thinker: 'default' }) },
    });
  });

  it('DUCK_DISCOVER names where to look, or turns looking off; the environment is named as the source it is', () => {
    expect(loadConfig({ DUCK_DISCOVER: 'off' }).model.discover).toEqual([]);
    expect(loadConfig({ DUCK_DISCOVER: 'http://10.0.0.2:8080/v1, http://10.0.0.3:11434/' }).model.discover).toEqual(['http://10.0.0.2:8080/v1', 'http://10.0.0.3:11434']);
    expect(() => loadConfig({ DUCK_DISCOVER: 'localhost:8080' })).toThrow(/DUCK_DISCOVER "localhost:8080"/);
    const model = loadConfig({ DUCK_MODEL_BASE_URL: 'http://127.0.0.1:8080/v1', DUCK_MODEL_THINKER: 'big' }).model;
    expect(model.sources).toEqual({ baseUrl: 'env', modelPath: 'default', models: expect.objectContaining({ thinker: 'env', action: 'default' }) });
  });

  it('DUCK_MODEL_PATH picks the embedded engine, sized by its variables, checked', () => {
    const model = loadConfig({ DUCK_MODEL_PATH: '/models/m.gguf', DUCK_MODEL_CONTEXT: '8192', DUCK_MODEL_PARALLEL: '2', DUCK_MODEL_GPU: 'off', DUCK_MODEL_THREADS: '3' }).model;
    expect(model).toMatchObject({ modelPath: '/models/m.gguf', embedded: { contextSize: 8192, sequences: 2, gpu: false, threads: 3 } });
    const client = createModelClient(model);
    expect(client.constructor.name).toBe('LazyEmbeddedModelClient');
    expect((client as LazyEmbeddedModelClient).options.threads).toBe(3);
    expect(() => loadConfig({ DUCK_MODEL_CONTEXT: 'lots' })).toThrow(/DUCK_MODEL_CONTEXT "lots"/);
    expect(() => loadConfig({ DUCK_MODEL_THREADS: '0' })).toThrow(/DUCK_MODEL_THREADS "0"/);
    // Unset: the engine picks (the cores llama.cpp finds useful for math).
    expect(loadConfig({ DUCK_MODEL_PATH: '/models/m.gguf' }).model.embedded).not.toHaveProperty('threads');
  });

  it('DUCK_MODEL_EMBED: a model name as written, `off`, or `auto` (also when unset)', () => {
    expect(loadConfig({ DUCK_MODEL_EMBED: 'nomic-embed-text' }).model.embeddingModel).toBe('nomic-embed-text');
    expect(loadConfig({ DUCK_MODEL_EMBED: ' OFF ' }).model.embeddingModel).toBe('off');
    expect(loadConfig({ DUCK_MODEL_EMBED: 'Auto' }).model.embeddingModel).toBe('auto');
    expect(loadConfig({ DUCK_MODEL_EMBED: '' }).model.embeddingModel).toBe('auto');
  });

  it('refuses an unknown DUCK_MODEL_SERVER', () => {
    expect(() => loadConfig({ DUCK_MODEL_SERVER: 'kobold' })).toThrow(/Invalid DUCK_MODEL_SERVER "kobold": use one of auto, llamacpp, ollama, vllm, lmstudio, openai/);
  });
});

describe('createModelClient', () => {
  it('one server: one client; none: the unconfigured client', () => {
    expect(createModelClient(loadConfig({ DUCK_MODEL_BASE_URL: 'http://127.0.0.1:1/v1' }).model)).toBeInstanceOf(OpenAICompatibleClient);
    expect(createModelClient(loadConfig({}).model)).toBeInstanceOf(UnconfiguredModelClient);
  });

  it('routes roles to their own servers, with their defaults', async () => {
    const small = await fake(() => ({ content: '{"kind":"action_directive"}' }));
    const big = await fake(() => ({ reasoning: 'hmm', content: 'Big answer.' }));
    const config = loadConfig({}, { server: 'openai', baseUrl: big.baseUrl, model: 'big-model', roles: { action: { baseUrl: small.baseUrl, model: 'small-model', temperature: 0, maxTokens: 256 } } });
    const client = createModelClient(config.model);
    expect(client).toBeInstanceOf(RoleRouter);

    expect((await client.chat('action', hello)).content).toBe('{"kind":"action_directive"}');
    const chunks = await collect(client.streamChat('thinker', hello));
    expect(chunks.some((c) => c.type === 'content_delta' && c.delta.includes('Big'))).toBe(true);
    await client.chat('critic', hello);

    expect(small.requests.map((r) => r.model)).toEqual(['small-model']);
    expect(small.requests[0]!.body).toMatchObject({ temperature: 0, max_tokens: 256 });
    expect(big.requests.map((r) => r.model)).toEqual(['big-model', 'big-model']);
    expect(await client.health()).toMatchObject({ configured: true, reachable: true, baseUrl: big.baseUrl });
  });

  it('health is unreachable when any role\'s server is, and says which', async () => {
    const big = await fake(() => ({ content: 'ok' }));
    const closed = await closedPortUrl();
    const client = createModelClient(loadConfig({}, { server: 'openai', baseUrl: big.baseUrl, roles: { action: { baseUrl: closed } } }).model);
    const health = await client.health();
    expect(health).toMatchObject({ configured: true, reachable: false, baseUrl: big.baseUrl });
    expect(health.detail).toContain(`action (${closed}): Cannot reach the model server`);
    expect(health.detail).toContain(`thinker, recall, memory_policy, critic (${big.baseUrl}): 1 model(s) available`);
  });
});

