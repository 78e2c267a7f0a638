/**
 * The model from inside the page: the header follows the model server going down and coming
 * back, a first message without a chosen model shows a setup card, and a model chosen in
 * Settings answers the next message, with no restart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, screenshot, startWebStack } from '../support/browser.js';
import { buildTinyGguf } from '../../scripts/make-tiny-gguf.mjs';
import { startFakeOpenAIServer } from '../support/fake-openai-server.js';
import { namingScript } from '../support/naming-script.js';
import { startGgufServer } from '../support/gguf-server.js';
import { afterThisTest } from '../support/temp-dir.js';
import { openChat, sendMessage, text } from './chat-helpers.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

const script = namingScript;

const state = (page: import('playwright-core').Page) => page.getByTestId('model-status').getAttribute('data-state');

describe('the model, from the page', () => {
  it('the header follows the model server going down and coming back, within seconds', async () => {
    const stack = await startWebStack(script, {}, { discover: true });
    const page = await openChat(stack);
    await expect.poll(() => state(page), { timeout: 15_000 }).toBe('ready');
    expect(await text(page, 'model-status')).toContain('model ready');

    const port = Number(new URL(stack.model.baseUrl).port);
    await stack.model.close();
    await expect.poll(() => state(page), { timeout: 20_000 }).toBe('down');
    expect(await text(page, 'model-status')).toContain('model unreachable');

    const again = await startFakeOpenAIServer(script, { port });
    afterThisTest(() => again.close());
    await expect.poll(() => state(page), { timeout: 20_000 }).toBe('ready');
    await sendMessage(page, 'hello again');
    await expect.poll(() => text(page, 'answer'), { timeout: 15_000 }).toContain('Answered by fake-model.');
  });

  it('without a chosen model the first message shows a setup card; a model chosen in Settings answers the next one', async () => {
    const stack = await startWebStack(script, {}, { discover: true, fake: { flavor: 'llamacpp', chatModels: ['qwen3-4b', 'gemma-3-1b'] } });
    const page = await openChat(stack);
    await expect.poll(() => state(page), { timeout: 15_000 }).toBe('choose');

    await sendMessage(page, 'hello');
    const card = page.getByTestId('setup-card');
    await card.waitFor();
    expect(await card.textContent()).toContain('It offers: qwen3-4b, gemma-3-1b');
    await page.getByTestId('setup-open-settings').click();

    await page.getByTestId('settings-view').waitFor();
    const gemma = page.locator('[data-testid="settings-model"][data-model="gemma-3-1b"]');
    await gemma.getByRole('button', { name: 'Use' }).click();
    await page.getByTestId('settings-saved').waitFor();
    await expect.poll(() => state(page), { timeout: 15_000 }).toBe('ready');
    await screenshot(page, 'settings');
    const saved = await stack.api('GET', '/v1/models');
    expect(saved.selection.models.thinker).toEqual({ model: 'gemma-3-1b', source: 'file' });

    await page.getByTestId('nav-chat').click();
    await page.getByTestId('composer').waitFor();
    await sendMessage(page, 'hello again');
    await expect.poll(() => text(page, 'answer'), { timeout: 15_000 }).toContain('Answered by gemma-3-1b.');
  });

  // The heaviest browser test: a download, then node-llama-cpp loading a model in the server and answering.
  it('a GGUF pulled from Settings, with its progress, is then chosen and answers from inside ducklm', { timeout: 180_000 }, async () => {
    const files = await startGgufServer({ '/tiny.gguf': { body: buildTinyGguf() } });
    // A byte-level vocabulary needs room for the system text; short answers, as a user would set for a small model.
    const stack = await startWebStack(script, { DUCK_MODEL_CONTEXT: '8192', DUCK_MODEL_GPU: 'off' }, { discover: true });
    await stack.model.close();
    writeFileSync(join(stack.dataDir, 'ducklm.config.json'), JSON.stringify({ roles: { thinker: { maxTokens: 48 }, memory_policy: { maxTokens: 160 }, critic: { maxTokens: 48 } } }));
    const page = await openChat(stack);
    await page.getByTestId('model-status').click();
    await page.getByTestId('settings-view').waitFor();

    await page.getByTestId('pull-source').fill(files.url("/tiny.gguf"));
    await page.getByTestId('pull-start').click();
    await expect.poll(() => page.getByTestId('pull-status').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    const file = page.locator('[data-testid="settings-local-model"][data-name="tiny.gguf"]');
    await file.getByRole('button', { name: 'Use' }).click();
    await page.getByTestId('settings-saved').waitFor();
    const chosen = await stack.api('GET', '/v1/models');
    expect(chosen.selection).toMatchObject({ how: 'embedded', model_path_source: 'file' });
    // The choice joined what the file said before.
    expect(JSON.parse(readFileSync(join(stack.dataDir, 'ducklm.config.json'), 'utf8')).roles.thinker).toEqual({ maxTokens: 48 });
    expect(chosen.selection.model_path).toMatch(/models\/tiny\.gguf$/);

    await page.getByTestId('nav-chat').click();
    await sendMessage(page, 'hello');
    // Random weights write gibberish; what matters is that the embedded engine answered.
    await page.getByTestId('generation-stats').waitFor({ timeout: 150_000 });
    expect(await page.getByTestId('setup-card').count()).toBe(0);
  });
});
