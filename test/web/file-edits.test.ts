/**
 * File edits in the web page, in a real browser against `ducklm serve`: the approval card shows
 * the diff and what "always" would cover; the timeline shows the applied change, and Undo puts
 * the file's old bytes back, or says why the server refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeRequest } from '../support/fake-openai-server.js';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, screenshot, startWebStack } from '../support/browser.js';
import { tempDir } from '../support/temp-dir.js';
import { observed, openChat, roles, sendMessage } from './chat-helpers.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

/** The planner asks for one action until it has seen its result; the thinker says it is done. */
function planning(tool: string, args: Record<string, unknown>) {
  return roles({
    planner: (request: FakeRequest) => ({
      content: JSON.stringify({ kind: 'action_directive', intent: 'change the file', risk_level: 'low', actions: observed(request) ? [] : [{ tool, args, reason: 'The user asked to fix the note.' }] }),
    }),
    thinker: { content: 'Done: the note is fixed.' },
  });
}

const BEFORE = 'first\nsecond\nthird\n';

describe('file edits in the web page', () => {
  it('the card shows the diff; approved, the timeline shows the change; Undo brings the old bytes back, also after a reload', async () => {
    const stack = await startWebStack(planning('file_edit', { path: 'notes.txt', old: 'second', new: 'SECOND' }));
    const file = join(stack.workspace, 'notes.txt');
    writeFileSync(file, BEFORE);
    const page = await openChat(stack);
    await sendMessage(page, 'fix the second line of notes.txt');

    const card = page.getByTestId('approval-card');
    await card.waitFor();
    const diff = card.getByTestId('diff-view');
    expect(await diff.getByTestId('diff-path').textContent()).toBe('notes.txt');
    const lines = diff.getByTestId('diff-line');
    expect(await lines.allTextContents()).toEqual(['@@ -1,3 +1,3 @@\n', ' first\n', '-second\n', '+SECOND\n', ' third\n']);
    expect(await lines.nth(2).getAttribute('data-kind')).toBe('removed');
    expect(await lines.nth(3).getAttribute('data-kind')).toBe('added');
    expect(await card.getByRole('button', { name: 'Always allow edits in this workspace' }).isVisible()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(BEFORE);
    await screenshot(page, 'chat-file-edit-approval');

    await card.getByRole('button', { name: 'Allow once' }).click();
    const change = page.getByTestId('file-change');
    await change.waitFor();
    await page.getByTestId('answer').filter({ hasText: 'Done: the note is fixed.' }).waitFor();
    expect(await change.getByTestId('file-change-verb').textContent()).toBe('edited');
    expect(await change.getByTestId('file-change-path').textContent()).toBe('notes.txt');
    expect(readFileSync(file, 'utf8')).toBe('first\nSECOND\nthird\n');
    // The diff is folded until asked for.
    expect(await change.getByTestId('diff-view').isVisible()).toBe(false);
    await change.getByText('Changes').click();
    await change.getByTestId('diff-view').getByText('+SECOND').waitFor();

    await change.getByRole('button', { name: 'Undo' }).click();
    await change.getByTestId('file-change-undone').waitFor();
    expect(await change.getAttribute('data-state')).toBe('undone');
    expect(readFileSync(file, 'utf8')).toBe(BEFORE);
    await screenshot(page, 'chat-file-edit-undone');

    // A reload replays the log: the change is there, and undone.
    await page.reload();
    const replayed = page.getByTestId('file-change');
    await replayed.getByTestId('file-change-undone').waitFor();
    expect(await replayed.getByTestId('file-change-path').textContent()).toBe('notes.txt');
    expect(await page.getByTestId('approval-card').getByTestId('diff-line').count()).toBe(5);
  });

  it('an undo after the file changed elsewhere shows the refusal and keeps Undo; another client’s undo shows as undone after a reload', async () => {
    const stack = await startWebStack(planning('file_edit', { path: 'notes.txt', old: 'second', new: 'SECOND' }));
    const file = join(stack.workspace, 'notes.txt');
    writeFileSync(file, BEFORE);
    const page = await openChat(stack);
    await sendMessage(page, 'fix the second line of notes.txt');
    await page.getByTestId('approval-card').getByRole('button', { name: 'Allow once' }).click();
    const change = page.getByTestId('file-change');
    await page.getByTestId('answer').filter({ hasText: 'Done' }).waitFor();

    writeFileSync(file, 'first\nSECOND\nthird\nmine\n');
    await change.getByRole('button', { name: 'Undo' }).click();
    const refusal = change.getByTestId('undo-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('since ducklm changed it');
    expect(await change.getByRole('button', { name: 'Undo' }).isEnabled()).toBe(true);
    await screenshot(page, 'chat-file-edit-undo-refused');
    expect(readFileSync(file, 'utf8')).toBe('first\nSECOND\nthird\nmine\n');

    // Put back as ducklm left it, the terminal (here: the API) undoes it; the page shows it undone.
    writeFileSync(file, 'first\nSECOND\nthird\n');
    const changeId = (await change.getAttribute('data-change-id'))!;
    await stack.api('POST', `/v1/file-changes/${changeId}/undo`);
    expect(readFileSync(file, 'utf8')).toBe(BEFORE);
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await change.getByTestId('file-change-undone').waitFor();
    await page.reload();
    await page.getByTestId('file-change').getByTestId('file-change-undone').waitFor();
  });

  it('a new file outside the workspace: the card offers no "always", the timeline says created; another client’s undo shows when the page is back in focus', async () => {
    const outside = join(tempDir(), 'outside-note.md');
    const stack = await startWebStack(planning('file_write', { path: outside, content: '# hello\n' }));
    const page = await openChat(stack);
    await sendMessage(page, 'write a note outside');
    const card = page.getByTestId('approval-card');
    await card.waitFor();
    expect(await card.getByTestId('diff-line').allTextContents()).toEqual(['@@ -0,0 +1,1 @@\n', '+# hello\n']);
    expect(await card.getByText('new file').isVisible()).toBe(true);
    expect(await card.getByRole('button', { name: /Always/ }).count()).toBe(0);
    expect(await page.getByTestId('composer-waiting').textContent()).not.toContain('A to always allow');
    // Its shortcut does nothing either: the card still asks.
    await card.press('a');
    expect(await card.getAttribute('data-state')).toBe('pending');

    await card.getByRole('button', { name: 'Allow once' }).click();
    const change = page.getByTestId('file-change');
    await change.waitFor();
    expect(await change.getByTestId('file-change-verb').textContent()).toBe('created');
    expect(readFileSync(outside, 'utf8')).toBe('# hello\n');
    await page.getByTestId('answer').filter({ hasText: 'Done' }).waitFor();

    // Undone by another client (the terminal) after the task ended: coming back to the page shows it.
    await stack.api('POST', `/v1/file-changes/${await change.getAttribute('data-change-id')}/undo`);
    expect(() => readFileSync(outside)).toThrow();
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await change.getByTestId('file-change-undone').waitFor();
  });

  it('"Always allow edits in this workspace": the next edit runs unasked, and its line names the rule as the rules list does', async () => {
    const stack = await startWebStack(
      roles({
        planner: (request: FakeRequest) => {
          const message = request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
          // The planner's prompt may quote the conversation so far: the newest request wins.
          const edit = message.includes('third') ? { old: 'third', new: 'THIRD' } : { old: 'second', new: 'SECOND' };
          return { content: JSON.stringify({ kind: 'action_directive', intent: 'edit', risk_level: 'low', actions: observed(request) ? [] : [{ tool: 'file_edit', args: { path: 'notes.txt', ...edit }, reason: 'asked' }] }) };
        },
        thinker: { content: 'Done.' },
      }),
    );
    const file = join(stack.workspace, 'notes.txt');
    writeFileSync(file, BEFORE);
    const page = await openChat(stack);
    await sendMessage(page, 'fix the second line');
    await page.getByTestId('approval-card').getByRole('button', { name: 'Always allow edits in this workspace' }).click();
    await page.getByTestId('file-change').waitFor();
    await page.getByTestId('answer').filter({ hasText: 'Done.' }).waitFor();

    // In a new chat: a conversation whose earlier turn read a tool's output asks again whatever the rules.
    await page.getByRole('button', { name: '+ New chat' }).click();
    await sendMessage(page, 'and the third line');
    await page.getByTestId('answer').filter({ hasText: 'Done.' }).waitFor();
    expect(await page.getByTestId('approval-card').count()).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('first\nSECOND\nTHIRD\n');
    const rule = page.getByTestId('tool-rule');
    expect(await rule.textContent()).toMatch(/^Ran without asking, under your rule: always allow edits anywhere in \/.*workspace$/);
    expect(await page.getByTestId('file-change').count()).toBe(1);

    const [stored] = await stack.api('GET', '/v1/rules');
    expect(stored).toMatchObject({ tool: 'file_edit', kind: 'edits' });
    await page.getByRole('link', { name: 'Audit' }).click();
    const item = page.getByTestId('rule-item');
    await item.waitFor();
    expect(await item.locator('.rule-pattern').textContent()).toBe(`edits anywhere in ${stored.pattern}`);
    expect(await item.locator('.panel-tag').textContent()).toBe('edits');
  });
});
