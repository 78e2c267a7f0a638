// A model pulled into the data folder is one the embedded engine runs: DUCK_MODEL_PATH pointing at
// the pulled file gives a working client (node-llama-cpp's prebuilt CPU binary, nothing downloaded
// but the generated GGUF from a local server).
import { describe, expect, it } from 'vitest';
import { buildTinyGguf } from '../../scripts/make-tiny-gguf.mjs';
import { loadConfig } from '../../src/config.js';
import { createModelClient } from '../../src/model/create-model-client.js';
import { listLocalModels, localModelPath } from '../../src/model/local-models.js';
import { pullModel } from '../../src/model/pull/pull-model.js';
import { startGgufServer } from '../support/gguf-server.js';
import { afterThisTest, tempDir } from '../support/temp-dir.js';

describe('a pulled model', () => {
  it('loads in the embedded engine through DUCK_MODEL_PATH and answers', async () => {
    const server = await startGgufServer({ '/tiny.gguf': { body: buildTinyGguf() } });
    const dataDir = tempDir();
    const { model } = await pullModel(server.url('/tiny.gguf'), { dataDir });
    expect(listLocalModels(dataDir).map((m) => m.path)).toEqual([model.path]);
    expect(localModelPath(dataDir, 'tiny.gguf')).toBe(model.path);

    const config = loadConfig({ DUCK_DATA_DIR: dataDir, DUCK_MODEL_PATH: model.path, DUCK_MODEL_GPU: 'off', DUCK_MODEL_CONTEXT: '512', DUCK_MODEL_PARALLEL: '1', DUCK_MODEL_EMBED: 'off' });
    const client = createModelClient(config.model);
    afterThisTest(() => client.close?.());
    const reply = await client.chat('thinker', [{ role: 'user', content: 'Say something.' }], { maxOutputTokens: 8, temperature: 0 });
    expect(reply.model).toBe('tiny.gguf');
    expect(reply.usage.completionTokens).toBeGreaterThan(0);
  }, 60_000);
});
