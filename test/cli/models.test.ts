/** `ducklm models`: the servers found and what they offer, and a choice that the next message uses. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startServe } from '../support/cli-process.js';
import { startFakeOpenAIServer } from '../support/fake-openai-server.js';
import { namingScript } from '../support/naming-script.js';
import { afterThisTest, tempDir } from '../support/temp-dir.js';

beforeAll(assertBuilt);

const TOKEN = 'models-test-token-0123456789-abcdef';

const script = namingScript;

describe('ducklm models', () => {
  it('lists the servers found with their models, and `use` makes the next answer come from the chosen one', async () => {
    const ollama = await startFakeOpenAIServer(script, { flavor: 'ollama', chatModels: ['qwen3:8b', 'llama3.2:3b'], embeddingModels: ['nomic-embed-text'] });
    afterThisTest(() => ollama.close());
    const dir = tempDir();
    const workspace = join(dir, 'ws');
    mkdirSync(workspace);
    const env = { HOME: dir, DUCK_DATA_DIR: join(dir, 'data'), DUCK_API_TOKEN: TOKEN };
    const served = await startServe([], { ...env, DUCK_DISCOVER: ollama.baseUrl });

    const listed = await runCli(['models', '--url', served.url], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(ollama.baseUrl);
    expect(listed.stdout).toContain('Ollama');
    expect(listed.stdout).toMatch(/qwen3:8b\n/);
    expect(listed.stdout).toContain('nomic-embed-text (embeddings)');
    expect(listed.stdout).toContain('not chosen yet');
    expect(listed.stdout).toContain('Choose with: ducklm models use MODEL');

    const before = await runCli(['ask', 'hello', '--url', served.url, '--workspace', workspace], env);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('It offers: qwen3:8b, llama3.2:3b');

    const used = await runCli(['models', 'use', 'llama3.2:3b', '--url', served.url], env);
    expect(used).toMatchObject({ code: 0 });
    expect(used.stdout).toContain(`Saved in ducklm.config.json: llama3.2:3b on ${ollama.baseUrl}. The next message uses it.`);

    const after = await runCli(['ask', 'hello', '--url', served.url, '--workspace', workspace], env);
    expect(after).toMatchObject({ code: 0, stdout: 'Answered by llama3.2:3b.\n' });
    const again = await runCli(['models', '--url', served.url], env);
    expect(again.stdout).toMatch(/thinker\s+llama3\.2:3b\s+ducklm\.config\.json/);
  });

  it('says so when a name is not offered, and --help prints its usage', async () => {
    const dir = tempDir();
    const env = { HOME: dir, DUCK_DATA_DIR: join(dir, 'data'), DUCK_API_TOKEN: TOKEN };
    const served = await startServe([], env);
    const r = await runCli(['models', 'use', 'nope', '--url', served.url], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No server found offers "nope"');
    const help = await runCli(['models', '--help'], env);
    expect(help).toMatchObject({ code: 0 });
    expect(help.stdout).toContain('ducklm models use MODEL');
  });
});
