/** Approvals by keyboard, and nothing sent past a pending approval by any key, in a real browser. */
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, startWebStack } from '../support/browser.js';
import { observed, openChat, plannerRunning, roles, sendMessage } from './chat-helpers.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

const script = roles({
  planner: plannerRunning('echo duck-key-ok'),
  thinker: (request) => ({
    content: JSON.stringify(request.messages).includes('The user denied this action') ? 'I did not run it, as you asked.' : observed(request) ? 'It printed duck-key-ok.' : 'hm',
  }),
});

async function atApprovalCard() {
  const stack = await startWebStack(script);
  const page = await openChat(stack);
  await sendMessage(page, 'run echo duck-key-ok');
  const card = page.getByTestId('approval-card');
  await card.waitFor();
  return { stack, page, card };
}

describe('a pending approval, by keyboard', () => {
  it('Send, Enter and a form submit all wait while an approval waits, and the composer says why', async () => {
    const { stack, page, card } = await atApprovalCard();
    const composer = page.getByTestId('composer');
    await composer.fill('one more thing');
    await composer.press('Enter');
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    // The one rule holds for a submit that comes some other way than the button or Enter.
    await page.evaluate(() => document.querySelector<HTMLFormElement>('form.composer')!.requestSubmit());
    expect(await page.getByTestId('composer-waiting').textContent()).toContain('Waiting for your approval above');
    expect(await composer.getAttribute('aria-describedby')).toBe('composer-waiting');

    // Nothing was sent: one message on the page, one task on the server, the draft kept, the approval still pending.
    expect(await page.getByTestId('message-user').count()).toBe(1);
    expect(await composer.inputValue()).toBe('one more thing');
    expect(await card.getAttribute('data-state')).toBe('pending');
    const waiting = await stack.api('GET', '/v1/tasks/waiting');
    expect(waiting.tasks).toHaveLength(1);

    // Deciding opens the way again.
    await card.getByRole('button', { name: 'Allow once' }).click();
    await page.getByTestId('answer').filter({ hasText: 'It printed duck-key-ok.' }).waitFor();
    await page.getByTestId('generation-stats').waitFor();
    // By now a message sent past the approval would show: still only the one.
    expect(await page.getByTestId('message-user').count()).toBe(1);
    await expect.poll(() => page.getByTestId('send').isDisabled()).toBe(false);
    expect(await page.getByTestId('composer-waiting').count()).toBe(0);
  });

  it('the card takes the focus and shows its keys; D denies', async () => {
    const { stack, page, card } = await atApprovalCard();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('approval-card');
    expect(await card.getByRole('button', { name: 'Allow once' }).getAttribute('aria-keyshortcuts')).toBe('o Alt+Shift+O');
    expect(await card.getByRole('button', { name: 'Always allow' }).getAttribute('aria-keyshortcuts')).toBe('a Alt+Shift+A');
    expect(await card.getByRole('button', { name: 'Deny' }).getAttribute('aria-keyshortcuts')).toBe('d Alt+Shift+D');

    await page.keyboard.press('d');
    await page.getByTestId('answer').filter({ hasText: 'I did not run it' }).waitFor();
    expect(await card.getByTestId('approval-decision').textContent()).toContain('Denied');
    const audit = await stack.api('GET', '/v1/audit/commands');
    expect(audit[0].payload).toMatchObject({ command: 'echo duck-key-ok', outcome: 'denied' });
  });

  it('letters typed in the composer never decide; Alt+Shift+O there allows once', async () => {
    const { page, card } = await atApprovalCard();
    const composer = page.getByTestId('composer');
    await composer.click();
    await composer.pressSequentially('odd');
    expect(await composer.inputValue()).toBe('odd');
    expect(await card.getAttribute('data-state')).toBe('pending');

    await composer.press('Alt+Shift+O');
    await page.getByTestId('tool-output').filter({ hasText: 'duck-key-ok' }).waitFor();
    expect(await card.getByTestId('approval-decision').textContent()).toContain('Allowed');
    expect(await composer.inputValue()).toBe('odd');
  });

  it('A always allows; the next run of that command says which rule let it run', async () => {
    const { stack, page, card } = await atApprovalCard();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('approval-card');
    await page.keyboard.press('a');
    await page.getByTestId('answer').filter({ hasText: 'It printed duck-key-ok.' }).waitFor();
    expect(await card.getByTestId('approval-decision').textContent()).toContain('Always allowed');
    expect(await page.getByTestId('tool-rule').count()).toBe(0);
    await page.getByTestId('generation-stats').waitFor();

    await sendMessage(page, 'run echo duck-key-ok again');
    const second = page.locator('article.turn').nth(1);
    await second.getByTestId('tool-output').filter({ hasText: 'duck-key-ok' }).waitFor();
    expect(await second.getByTestId('approval-card').count()).toBe(0);
    const [rule] = await stack.api('GET', '/v1/rules');
    const line = await second.getByTestId('tool-rule').textContent();
    // The command as a shell line, as the rules list and the terminal show it, not its stored argument vector.
    expect(rule.pattern).toBe('["echo","duck-key-ok"]');
    expect(line).toBe('Ran without asking, under your rule: always allow echo duck-key-ok in this workspace');
    expect(await second.getByTestId('tool-rule').locator('code').textContent()).toBe('echo duck-key-ok');
  });
});
