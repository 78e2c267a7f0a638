/**
 * The page's side panels in a real browser against a real `ducklm serve`: memory manager,
 * command audit and rules, lessons, the conversations sidebar and the workspace picker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, LAPTOP, NOTHING_TO_STORE, PHONE, screenshot, startWebStack, type WebStack } from '../support/browser.js';
import type { FakeScript } from '../support/fake-openai-server.js';
import { postStream, type SseResponse } from '../support/sse-client.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

const LESSON = 'Before listing files, say which folder they are in.';

/** The planner runs `ls` (known safe) or `touch` (asks first) when asked to, then answers; the critic writes one lesson. */
const script: FakeScript = ({ model, messages }) => {
  const asked = messages.map((m) => m.content).join('\n');
  const observed = messages.at(-1)?.content.includes('tool_observations') ?? false;
  if (model === 'planner') {
    const command = asked.includes('list the files here') ? 'ls' : asked.includes('make a greeting file') ? 'touch greeting.txt' : null;
    const actions = command && !observed ? [{ tool: 'shell_exec_safe', args: { command }, reason: 'the user asked' }] : [];
    return { content: JSON.stringify({ kind: 'action_directive', intent: 'answer', risk_level: command ? 'low' : 'none', actions }) };
  }
  if (model === 'thinker') return { content: 'Done.' };
  if (model === 'critic') return { content: LESSON };
  return NOTHING_TO_STORE;
};

/** One chat turn through the API (SSE), read to its end. */
async function chat(stack: WebStack, message: string, workspace = stack.workspace): Promise<SseResponse> {
  const response = await postStream(stack.url, '/v1/chat/stream', { message, workspace }, { headers: { authorization: `Bearer ${stack.token}` } });
  expect(response.status).toBe(200);
  return response;
}

/**
 * A signed-in page. Console errors are collected: a Content-Security-Policy violation or an
 * uncaught exception fails the test (404s of bad paths are expected and only logged).
 */
async function openPage(stack: WebStack, viewport = LAPTOP): Promise<{ page: Page; assertClean(): void }> {
  const { page } = await stack.newPage(viewport);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.goto(stack.signInUrl);
  await page.getByTestId('nav-chat').waitFor();
  return { page, assertClean: () => expect(problems).toEqual([]) };
}

/** The page never scrolls sideways as a whole; wide content scrolls or wraps inside its own box. */
async function expectNoPageScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

describe('memory manager', () => {
  it('adds a memory, finds it by search (and not by an unrelated one), edits it with history, and deletes it', async () => {
    const stack = await startWebStack(script);
    const { page, assertClean } = await openPage(stack);
    await page.getByTestId('nav-memory').click();
    await page.getByTestId('memory-empty').waitFor();

    await page.getByTestId('memory-add-text').fill('The duck pond gate code is 4417');
    await page.getByLabel('Type', { exact: true }).first().selectOption('fact');
    await page.getByTestId('memory-add-submit').click();
    await page.getByTestId('memory-item').filter({ hasText: 'gate code is 4417' }).waitFor();
    const id = (await page.getByTestId('memory-item').getAttribute('data-id'))!;
    const item = page.locator(`[data-testid="memory-item"][data-id="${id}"]`);
    expect(await stack.api('GET', `/v1/memory/${id}`)).toMatchObject({ text: 'The duck pond gate code is 4417', memory_type: 'fact', scope: 'global' });

    // Ranked search: the match comes with its score; a query sharing nothing with it finds nothing.
    const search = page.getByTestId('memory-search');
    await search.fill('gate code');
    await page.getByText('matching “gate code”').waitFor();
    await expect.poll(() => item.textContent()).toContain('score');
    await screenshot(page, 'memory-laptop');
    await search.fill('fly by');
    await page.getByTestId('memory-empty').filter({ hasText: 'No memory matches “fly by”' }).waitFor();
    expect(await page.getByTestId('memory-item').count()).toBe(0);
    await search.fill('');
    await item.waitFor();

    // Edit in place: text and type; the server has the change, and the history has the old text.
    await item.getByRole('button', { name: 'Edit' }).click();
    await item.getByTestId('memory-edit-text').fill('The duck pond gate code is 5521');
    await item.getByLabel('Type').selectOption('note');
    await item.getByTestId('memory-edit-save').click();
    const edited = item.filter({ hasText: 'gate code is 5521' });
    await edited.waitFor();
    expect(await stack.api('GET', `/v1/memory/${id}`)).toMatchObject({ text: 'The duck pond gate code is 5521', memory_type: 'note' });
    await edited.getByRole('button', { name: 'History' }).click();
    await edited.getByTestId('memory-history').filter({ hasText: 'gate code is 4417' }).waitFor();

    // Delete asks first; "Keep" takes the focus so that Enter does not delete.
    await edited.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep');
    await edited.getByTestId('confirm-delete').click();
    await page.getByTestId('memory-empty').waitFor();
    await expect(stack.api('GET', `/v1/memory/${id}`)).rejects.toThrow(/404/);
    assertClean();
  });

  it('on a phone: memories of both scopes, "everything" vs this workspace, no sideways scrolling', async () => {
    const stack = await startWebStack(script);
    await stack.api('POST', '/v1/memory', { text: 'I prefer short answers in British English', memory_type: 'preference', scope: 'global', importance: 0.8 });
    await stack.api('POST', '/v1/memory', { text: 'This project builds with npm run build', memory_type: 'fact', scope: 'workspace', workspace: stack.workspace, importance: 0.6 });
    const elsewhere = join(stack.workspace, '..', 'other');
    mkdirSync(elsewhere);
    await stack.api('POST', '/v1/memory', { text: 'The other project deploys on Fridays', memory_type: 'note', scope: 'workspace', workspace: elsewhere });

    const { page, assertClean } = await openPage(stack, PHONE);
    await page.getByTestId('nav-memory').click();
    await page.getByTestId('memory-item').filter({ hasText: 'npm run build' }).waitFor();
    // This workspace's view: global and this workspace's memories, not another workspace's.
    expect(await page.getByTestId('memory-item').count()).toBe(2);
    await page.getByText('Everything', { exact: true }).click();
    await page.getByTestId('memory-item').filter({ hasText: 'deploys on Fridays' }).waitFor();
    expect(await page.getByTestId('memory-item').count()).toBe(3);
    await expectNoPageScroll(page);
    // The export is a plain link: the session cookie authenticates the download.
    const exported = await page.evaluate(async () => {
      const href = document.querySelector<HTMLAnchorElement>('[data-testid="memory-export"]')!.href;
      const response = await fetch(href);
      return { status: response.status, disposition: response.headers.get('content-disposition'), body: await response.text() };
    });
    expect(exported).toMatchObject({ status: 200, disposition: expect.stringContaining('ducklm-memory.json') });
    expect(exported.body).toContain('deploys on Fridays');
    await screenshot(page, 'memory-phone');
    assertClean();
  });
});

describe('command audit and rules', () => {
  it('shows a command that ran on its own, filters by outcome, and revokes an "always allow" rule', async () => {
    const stack = await startWebStack(script);
    await chat(stack, 'Please list the files here');
    const paused = await chat(stack, 'Please make a greeting file');
    const approval = paused.events.find((e) => e.event === 'tool_approval_requested')!.data as { approval_id: string };
    const { rule } = await stack.api('POST', `/v1/approvals/${approval.approval_id}/allow_always`);
    expect(rule).toMatchObject({ kind: 'command', pattern: expect.stringContaining('touch') });

    const { page, assertClean } = await openPage(stack);
    await page.getByTestId('nav-audit').click();
    const row = page.getByTestId('audit-row').filter({ has: page.getByTestId('audit-command').getByText('ls', { exact: true }) });
    await row.waitFor();
    expect(await row.getByTestId('audit-outcome-cell').getAttribute('data-value')).toBe('ran');
    expect(await row.getByTestId('audit-approved-by').getAttribute('data-value')).toBe('automatic');
    expect(await row.getByTestId('audit-outcome-cell').textContent()).toContain('ran');
    expect(await row.getByTestId('audit-approved-by').textContent()).toContain('automatic');
    expect(await page.locator('table.audit-table th').allTextContents()).toEqual(['Time', 'Command', 'Risk', 'Action', 'Approved by', 'Outcome', 'Exit', 'Duration']);

    const ruleItem = page.getByTestId('rule-item').filter({ hasText: 'touch greeting.txt' });
    await ruleItem.waitFor();
    await screenshot(page, 'audit-laptop');

    await page.getByTestId('audit-outcome').selectOption('denied');
    await page.getByText('No command matches this filter.').waitFor();
    await page.getByTestId('audit-outcome').selectOption('');
    await row.waitFor();

    await ruleItem.getByRole('button', { name: /Revoke/ }).click();
    await page.getByTestId('rules-empty').waitFor();
    expect(await stack.api('GET', '/v1/rules')).toEqual([]);
    assertClean();

    // On a phone the table becomes one card per command, inside the page's width.
    const phone = await openPage(stack, PHONE);
    await phone.page.getByTestId('nav-audit').click();
    await phone.page.getByTestId('audit-row').first().waitFor();
    expect(await phone.page.getByTestId('audit-command').first().isVisible()).toBe(true);
    await expectNoPageScroll(phone.page);
    await screenshot(phone.page, 'audit-phone');
    phone.assertClean();
  });
});

describe('lessons', () => {
  it('lists a lesson that reflection wrote after a chat, filters it, and deletes it', async () => {
    const stack = await startWebStack(script, { DUCK_ENABLE_REFLECTION: '1', DUCK_MODEL_CRITIC: 'critic' });
    const { page, assertClean } = await openPage(stack);
    await page.getByTestId('nav-lessons').click();
    await page.getByTestId('lessons-empty').waitFor();

    // Reflection runs after the answer, in the background: wait until the lesson is stored.
    await chat(stack, 'How do I water ferns?');
    await expect.poll(async () => (await stack.api('GET', '/v1/experience')).length).toBe(1);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const item = page.getByTestId('lesson-item');
    await item.filter({ hasText: LESSON }).waitFor();
    expect(await item.textContent()).toContain('How do I water ferns?');
    expect(await item.textContent()).toContain('workspace');
    expect(await item.getByTestId('lesson-confirmations').textContent()).toBe('once');
    // The critic arrives at the same lesson after a similar chat: confirmed, not listed twice.
    await chat(stack, 'How often should I water ferns?');
    await expect.poll(async () => (await stack.api('GET', '/v1/experience'))[0]?.confirmations).toBe(2);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => item.getByTestId('lesson-confirmations').textContent()).toMatch(/^2 times, last /);
    expect(await item.count()).toBe(1);
    await screenshot(page, 'lessons-laptop');

    await page.getByTestId('lessons-filter').fill('orchids');
    await page.getByText('No lesson matches “orchids”.').waitFor();
    await page.getByTestId('lessons-filter').fill('ferns');
    await item.waitFor();

    await item.getByRole('button', { name: 'Delete' }).click();
    await item.getByTestId('confirm-delete').click();
    await page.getByTestId('lessons-empty').waitFor();
    expect(await stack.api('GET', '/v1/experience')).toEqual([]);
    assertClean();
  });
});

describe('conversations sidebar', () => {
  it('lists the workspace\'s conversations newest first, selects one, and "New chat" clears the selection; on a phone it is a drawer', async () => {
    const stack = await startWebStack(script);
    await chat(stack, 'First question: what is a duck?');
    await chat(stack, 'Second question: and a goose?');

    const { page, assertClean } = await openPage(stack);
    const items = page.getByTestId('conversation-item');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.nth(0).textContent()).toContain('Second question');
    expect(await items.nth(1).textContent()).toContain('First question');
    expect(await items.nth(0).textContent()).toContain('2 messages');

    await items.nth(1).click();
    await expect.poll(() => items.nth(1).getAttribute('aria-current')).toBe('true');
    expect(await items.nth(0).getAttribute('aria-current')).toBeNull();
    await page.getByTestId('new-chat').click();
    await expect.poll(() => page.locator('[data-testid="conversation-item"][aria-current]').count()).toBe(0);
    assertClean();

    const phone = await openPage(stack, PHONE);
    expect(await phone.page.getByTestId('conversations').isVisible()).toBe(false);
    await phone.page.getByRole('button', { name: 'Conversations' }).click();
    await phone.page.getByTestId('conversation-item').filter({ hasText: 'Second question' }).waitFor();
    await expectNoPageScroll(phone.page);
    await screenshot(phone.page, 'conversations-phone');
    // Choosing a conversation closes the drawer.
    await phone.page.getByTestId('conversation-item').filter({ hasText: 'First question' }).click();
    await expect.poll(() => phone.page.getByTestId('conversations').isVisible()).toBe(false);
    phone.assertClean();
  });
});

describe('workspace picker', () => {
  it('browses into a subfolder and chooses it; a missing path or a file is refused with the reason', async () => {
    const stack = await startWebStack(script);
    mkdirSync(join(stack.workspace, 'projects', 'alpha'), { recursive: true });
    writeFileSync(join(stack.workspace, 'notes.txt'), 'not a folder');
    await chat(stack, 'A question in the first workspace');

    const { page, assertClean } = await openPage(stack);
    await page.getByTestId('conversation-item').waitFor();
    await expect.poll(() => page.getByTestId('workspace').textContent()).toBe('workspace');

    await page.getByRole('button', { name: /^Workspace:/ }).click();
    const dialog = page.getByTestId('workspace-dialog');
    await dialog.waitFor();
    // The focus goes into the dialog, on the path field.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('workspace-path');
    await dialog.getByTestId('recent-workspace').first().waitFor();
    await dialog.getByTestId('folder-entry').filter({ hasText: 'projects' }).click();
    await expect.poll(() => dialog.getByTestId('browser-path').textContent()).toMatch(/projects$/);
    await dialog.getByTestId('folder-entry').filter({ hasText: 'alpha' }).waitFor();
    await screenshot(page, 'workspace-picker');
    await dialog.getByTestId('folder-entry').filter({ hasText: 'alpha' }).click();
    await expect.poll(() => dialog.getByTestId('browser-path').textContent()).toMatch(/alpha$/);
    await dialog.getByTestId('use-folder').click();
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => page.getByTestId('workspace').textContent()).toBe('alpha');
    expect(await page.getByRole('button', { name: /^Workspace:/ }).getAttribute('title')).toMatch(/projects[/\\]alpha$/);
    await page.getByTestId('conversations-empty').waitFor();
    expect(await page.getByTestId('conversation-item').count()).toBe(0);

    // Bad paths: the server's reason is shown and the workspace stays; Esc closes the dialog.
    await page.getByRole('button', { name: /^Workspace:/ }).click();
    await dialog.getByTestId('workspace-path').fill(join(stack.workspace, 'no-such-folder'));
    await dialog.getByTestId('workspace-path').press('Enter');
    await dialog.getByTestId('workspace-error').filter({ hasText: 'No such folder' }).waitFor();
    await dialog.getByTestId('workspace-path').fill(join(stack.workspace, 'notes.txt'));
    await dialog.getByTestId('workspace-path').press('Enter');
    await dialog.getByTestId('workspace-error').filter({ hasText: 'Not a folder' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('workspace').textContent()).toBe('alpha');
    // The focus is back on the button that opened the dialog.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('dialog');

    // A typed path that exists is chosen with Enter.
    await page.getByRole('button', { name: /^Workspace:/ }).click();
    await dialog.getByTestId('workspace-path').fill(stack.workspace);
    await dialog.getByTestId('workspace-path').press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('workspace').textContent()).toBe('workspace');
    await page.getByTestId('conversation-item').waitFor();
    assertClean();

    // On a phone the dialog fits the screen.
    const phone = await openPage(stack, PHONE);
    await phone.page.getByRole('button', { name: /^Workspace:/ }).click();
    await phone.page.getByTestId('folder-entry').filter({ hasText: 'projects' }).waitFor();
    const box = (await phone.page.getByTestId('workspace-dialog').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await expectNoPageScroll(phone.page);
    await screenshot(phone.page, 'workspace-picker-phone');
    phone.assertClean();
  });
});
