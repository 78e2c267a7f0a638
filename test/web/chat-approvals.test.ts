/** Approvals in the chat view, in a real browser: allow, deny, stop, sudo's password, and after a reload. */
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, screenshot, startWebStack } from '../support/browser.js';
import { fakeSudoDir } from '../support/fake-sudo.js';
import { gate, lastTaskId, observed, openChat, plannerRunning, roles, sendMessage, text } from './chat-helpers.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

const thinker = roles({
  planner: plannerRunning('echo duck-web-ok'),
  thinker: (request) => ({
    content: JSON.stringify(request.messages).includes('The user denied this action') ? 'I did not run it, as you asked.' : 'The command printed **duck-web-ok**.',
  }),
});

/** A chat whose planner asks to run `echo duck-web-ok`, shown at its approval card. */
async function atApprovalCard() {
  const stack = await startWebStack(thinker);
  const page = await openChat(stack);
  await sendMessage(page, 'run echo duck-web-ok');
  const card = page.getByTestId('approval-card');
  await card.waitFor();
  return { stack, page, card };
}

describe('approving what ducklm runs, in the web page', () => {
  it('shows what will run, why and how risky; "Allow once" runs it into the same turn', async () => {
    const { stack, page, card } = await atApprovalCard();
    expect(await card.getByTestId('approval-command').textContent()).toBe('echo duck-web-ok');
    expect(await card.getByTestId('approval-reason').textContent()).toContain('The user asked to run it.');
    expect(await card.getByTestId('approval-risk').textContent()).toBe('medium risk');
    expect(await card.getByRole('button', { name: 'Always allow' }).isVisible()).toBe(true);
    await expect.poll(() => text(page, 'stage')).toContain('Waiting for your approval');
    await screenshot(page, 'chat-approval');

    await card.getByRole('button', { name: 'Allow once' }).click();
    await page.getByTestId('tool-output').filter({ hasText: 'duck-web-ok' }).waitFor();
    await page.getByTestId('answer').filter({ hasText: 'The command printed duck-web-ok.' }).waitFor();
    expect(await card.getByTestId('approval-decision').textContent()).toContain('Allowed');
    expect(await page.getByTestId('tool-call').getAttribute('data-state')).toBe('ok');
    expect(await page.getByTestId('message-assistant').count()).toBe(1);
    await page.getByTestId('generation-stats').waitFor();
    const audit = await stack.api('GET', '/v1/audit/commands');
    expect(audit[0].payload).toMatchObject({ command: 'echo duck-web-ok', approved: true, approved_by: 'person' });
  });

  it('"Deny" keeps the command from running and the answer comes without it', async () => {
    const { stack, page, card } = await atApprovalCard();
    await card.getByRole('button', { name: 'Deny' }).click();

    await page.getByTestId('answer').filter({ hasText: 'I did not run it' }).waitFor();
    expect(await card.getByTestId('approval-decision').textContent()).toContain('Denied');
    expect(await page.getByTestId('tool-call').count()).toBe(0);
    const audit = await stack.api('GET', '/v1/audit/commands');
    expect(audit[0].payload).toMatchObject({ command: 'echo duck-web-ok', outcome: 'denied' });
  });

  it('Stop ends a task that waits for approval', async () => {
    const { stack, page, card } = await atApprovalCard();
    await page.getByTestId('stop').click();

    await card.getByTestId('approval-decision').filter({ hasText: 'Cancelled' }).waitFor();
    const taskId = await lastTaskId(page);
    expect((await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('cancelled');
    expect(await stack.api('GET', '/v1/approvals/pending')).toEqual([]);
  });

  it('asks for the sudo password in a dialog, says when it was wrong, runs the command, and keeps the password nowhere', async () => {
    const password = 'Quack-Secret-4711';
    const wrong = 'not-the-Password-99';
    const stack = await startWebStack(
      roles({ planner: plannerRunning('sudo echo root-ok'), thinker: (request) => ({ content: observed(request) ? 'sudo said root-ok.' : 'hm' }) }),
      { PATH: `${fakeSudoDir(password)}:${process.env.PATH}` },
    );
    const page = await openChat(stack);
    await sendMessage(page, 'run sudo echo root-ok');
    const card = page.getByTestId('approval-card');
    await card.waitFor();
    expect(await card.getByTestId('approval-command').textContent()).toBe('sudo echo root-ok');
    // sudo is never covered by a rule.
    expect(await card.getByRole('button', { name: 'Always allow' }).count()).toBe(0);
    await card.getByRole('button', { name: 'Allow once' }).click();

    const dialog = page.getByTestId('password-dialog');
    const input = page.getByTestId('password-input');
    await dialog.waitFor();
    expect(await input.getAttribute('type')).toBe('password');
    expect(await input.getAttribute('autocomplete')).toBe('off');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('password-input');
    expect(await text(page, 'stage')).toContain('Waiting for the sudo password');
    await input.fill(wrong);
    await input.press('Enter');

    await page.getByTestId('password-retry').waitFor();
    expect(await page.getByTestId('password-retry').textContent()).toContain('Wrong password: sudo did not accept it. Try again (attempt 2 of 3).');
    expect(await input.inputValue()).toBe('');
    // The refused run is a note, not a failed command; the model was not asked anything.
    expect(await page.getByTestId('tool-call').count()).toBe(0);
    expect(await page.locator('.timeline-note').filter({ hasText: 'The sudo password was not accepted (attempt 1)' }).count()).toBe(1);
    await input.fill(password);
    await page.getByTestId('password-submit').click();

    await page.getByTestId('tool-output').filter({ hasText: 'root-ok' }).waitFor();
    await page.getByTestId('answer').filter({ hasText: 'sudo said root-ok.' }).waitFor();
    expect(await dialog.count()).toBe(0);

    const leftovers = await page.evaluate(() => ({
      html: document.documentElement.outerHTML,
      values: [...document.querySelectorAll('input, textarea')].map((field) => (field as HTMLInputElement).value).join('\n'),
      storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    }));
    for (const secret of [password, wrong]) {
      expect(leftovers.html).not.toContain(secret);
      expect(leftovers.values).not.toContain(secret);
      expect(leftovers.storage).not.toContain(secret);
    }
  });

  it('coming back to the chat rebuilds the conversation from its stored events and follows a task still running', async () => {
    const { hold, release } = gate();
    const stack = await startWebStack(
      roles({
        planner: (request) => (request.messages.at(-1)!.content.startsWith('and tell me more') ? { content: '{"answer_now":true}' } : plannerRunning('echo duck-web-ok')(request)),
        // By what is asked, not by how many answers came: an answer may also start early and be dropped.
        thinker: (request) =>
          request.messages.at(-1)!.content.startsWith('and tell me more')
            ? { content: 'A second answer, slowly.', hold }
            : { reasoning: 'Echo prints its arguments.', content: 'The command printed duck-web-ok.' },
      }),
    );
    const page = await openChat(stack);
    await sendMessage(page, 'run echo duck-web-ok');
    await page.getByTestId('approval-card').getByRole('button', { name: 'Allow once' }).click();
    await page.getByTestId('answer').filter({ hasText: 'The command printed duck-web-ok.' }).waitFor();
    // The turn has ended (its stats come with `done`): until then Enter does not send.
    await page.getByTestId('generation-stats').waitFor();
    await sendMessage(page, 'and tell me more');
    await expect.poll(() => text(page, 'answer')).toContain('A second');

    // Leaving the chat view does not stop the answer; coming back finds it still running.
    await page.getByTestId('nav-memory').click();
    await page.getByTestId('chat').waitFor({ state: 'detached' });
    await page.getByTestId('nav-chat').click();
    await expect.poll(() => text(page, 'stage')).toContain('following it');
    const first = page.locator('article.turn').first();
    expect(await first.getByTestId('approval-decision').textContent()).toContain('Allowed');
    expect(await first.getByTestId('tool-output').textContent()).toContain('duck-web-ok');
    expect((await first.getByTestId('answer').textContent())?.trim()).toBe('The command printed duck-web-ok.');
    expect(await first.getByTestId('generation-stats').count()).toBe(1);
    await first.getByTestId('reasoning-toggle').click();
    expect(await first.getByTestId('reasoning-text').textContent()).toBe('Echo prints its arguments.');

    release();
    await page.getByTestId('answer').filter({ hasText: 'A second answer, slowly.' }).waitFor();
    await page.locator('article.turn').nth(1).getByTestId('generation-stats').waitFor();
    expect((await text(page, 'stage'))?.trim()).toBe('');
  });

  it('after a reload, a task still waiting for approval is offered again and can be approved', async () => {
    const { stack, page } = await atApprovalCard();

    // The address names the conversation, so a reload reopens it with its approval still pending.
    expect(page.url()).toMatch(/#chat\/conv_/);
    await page.reload();
    let card = page.getByTestId('approval-card');
    await card.waitFor();
    expect(await card.getAttribute('data-state')).toBe('pending');

    // A new chat lists what still waits elsewhere; choosing it offers the approval again.
    await page.goto(`${stack.url}/#chat`);
    await page.reload();
    const waiting = page.getByTestId('waiting-tasks');
    await waiting.getByRole('button', { name: /run echo duck-web-ok/ }).click();

    card = page.getByTestId('approval-card');
    await card.waitFor();
    expect(await page.getByTestId('message-user').textContent()).toBe('run echo duck-web-ok');
    expect(await card.getAttribute('data-state')).toBe('pending');
    await expect.poll(() => text(page, 'stage')).toContain('Waiting for your approval');
    await card.getByRole('button', { name: 'Allow once' }).click();
    await page.getByTestId('tool-output').filter({ hasText: 'duck-web-ok' }).waitFor();
    await page.getByTestId('answer').filter({ hasText: 'The command printed duck-web-ok.' }).waitFor();
  });
});
