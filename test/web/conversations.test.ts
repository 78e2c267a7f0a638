/**
 * The conversations sidebar in a real browser against a real `ducklm serve`: rename in place,
 * delete after a confirm, and search across workspaces by word forms.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, NOTHING_TO_STORE, screenshot, startWebStack, type WebStack } from '../support/browser.js';
import type { FakeScript } from '../support/fake-openai-server.js';
import { postStream } from '../support/sse-client.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

const script: FakeScript = ({ model }) => {
  if (model === 'planner') return { content: JSON.stringify({ kind: 'action_directive', intent: 'answer', risk_level: 'none', actions: [] }) };
  if (model === 'thinker') return { content: 'Noted.' };
  return NOTHING_TO_STORE;
};

async function chat(stack: WebStack, message: string, workspace = stack.workspace): Promise<void> {
  const response = await postStream(stack.url, '/v1/chat/stream', { message, workspace }, { headers: { authorization: `Bearer ${stack.token}` } });
  expect(response.status).toBe(200);
}

describe('conversations sidebar: rename, delete, search', () => {
  it('renames a conversation in place, deletes one after a confirm, and finds one in another workspace by a word form', async () => {
    const stack = await startWebStack(script);
    const elsewhere = join(stack.workspace, 'garden');
    mkdirSync(elsewhere);
    // The page opens on the workspace used last.
    await chat(stack, 'Когда сажать картошку весной?', elsewhere);
    await chat(stack, 'How do I feed the ducks in winter?');
    await chat(stack, 'What is a good name for a goose?');

    const { page } = await stack.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(stack.signInUrl);
    const items = page.getByTestId('conversation-item');
    await items.nth(1).waitFor();
    await expect.poll(() => items.count()).toBe(2);
    // Titles come from the first message, at once.
    expect(await items.nth(0).locator('.conversation-title').textContent()).toBe('What is a good name for a goose?');

    // Rename in place: Enter saves; the server keeps it.
    const goose = page.getByTestId('conversation-row').filter({ hasText: 'goose' });
    const gooseId = (await goose.getAttribute('data-id'))!;
    await goose.hover();
    await goose.getByTestId('conversation-rename').click();
    const field = page.getByTestId('conversation-title-input');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: 10_000 }).toBe('conversation-title-input');
    await field.fill('Goose names');
    await field.press('Enter');
    await page.getByTestId('conversation-item').filter({ hasText: 'Goose names' }).waitFor();
    expect((await stack.api('GET', `/v1/conversations/${gooseId}`)).title).toBe('Goose names');
    // Esc leaves the title as it was.
    const renamed = page.locator(`[data-testid="conversation-row"][data-id="${gooseId}"]`);
    await renamed.hover();
    await renamed.getByTestId('conversation-rename').click();
    await page.getByTestId('conversation-title-input').fill('Something else');
    await page.getByTestId('conversation-title-input').press('Escape');
    await renamed.getByTestId('conversation-item').filter({ hasText: 'Goose names' }).waitFor();

    // Delete asks first; "Keep" keeps it, "Delete" removes it here and on the server.
    const ducks = page.getByTestId('conversation-row').filter({ hasText: 'feed the ducks' });
    const ducksId = (await ducks.getAttribute('data-id'))!;
    await ducks.hover();
    await ducks.getByTestId('conversation-delete').click();
    await ducks.getByRole('button', { name: 'Keep' }).click();
    expect(await items.count()).toBe(2);
    await ducks.hover();
    await ducks.getByTestId('conversation-delete').click();
    await screenshot(page, 'conversation-delete-confirm');
    await ducks.getByTestId('confirm-delete').click();
    await ducks.waitFor({ state: 'detached' });
    expect(await items.count()).toBe(1);
    expect((await stack.api('GET', '/v1/conversations')).conversations.map((c: { id: string }) => c.id)).not.toContain(ducksId);

    // Search: another word form, another workspace; the snippet shows where it matched.
    const search = page.getByTestId('conversation-search');
    await search.fill('картошка');
    const found = page.getByTestId('conversation-item').filter({ hasText: 'Когда сажать картошку' });
    await found.waitFor();
    expect(await items.count()).toBe(1);
    expect(await found.getByTestId('conversation-snippet').textContent()).toContain('картошку');
    expect(await found.getByTestId('conversation-workspace').textContent()).toContain('garden');
    await screenshot(page, 'conversation-search');
    await search.fill('zeppelin');
    await page.getByTestId('conversations-no-match').waitFor();
    await search.fill('картошка');
    await found.click();
    // Opening it moves the page to its workspace.
    await page.getByTestId('workspace').filter({ hasText: 'garden' }).waitFor();
    await search.fill('');
    // Seen once in CI (not reproduced in 12 runs since): the list never showed it. Say what it showed.
    await page
      .locator('[data-mode="list"] [data-testid="conversation-item"]')
      .filter({ hasText: 'картошку' })
      .waitFor()
      .catch(async (error: Error) => {
        const sidebar = await page.getByTestId('conversations').evaluate((e) => e.outerHTML).catch(() => '(no sidebar)');
        throw new Error(`${error.message}\nworkspace shown: ${await page.getByTestId('workspace').textContent()}\nsidebar: ${sidebar}\npage errors: ${problems.join(' | ')}`);
      });
    expect(await items.count()).toBe(1);
    expect(problems).toEqual([]);
  });
});

describe('a title from the first exchange', () => {
  it('shows in the list once the model has named the conversation, after the answer, without a reload', async () => {
    const named: FakeScript = (request) => {
      if (request.model === 'planner') return script(request);
      if (request.model === 'thinker') return { content: 'Feed them peas and oats, never bread.' };
      const asked = request.messages.at(-1)!.content.includes('"title"');
      return { content: JSON.stringify({ ...JSON.parse(NOTHING_TO_STORE.content), ...(asked ? { title: 'Feeding ducks in winter' } : {}) }) };
    };
    const stack = await startWebStack(named);
    const { page } = await stack.newPage();
    await page.goto(stack.signInUrl);
    await page.getByTestId('composer').fill('what should I give the ducks in the park when it is freezing outside?');
    await page.getByTestId('composer').press('Enter');
    const item = page.getByTestId('conversation-item').filter({ hasText: 'Feeding ducks in winter' });
    await item.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('conversation-item').count()).toBe(1);
  });
});
