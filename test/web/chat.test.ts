/** The chat view in a real browser: streaming markdown, reasoning, the status line, stopping, errors, a phone. */
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, PHONE, screenshot, startWebStack } from '../support/browser.js';
import { gate, lastTaskId, openChat, plannerRunning, roles, sendMessage, text } from './chat-helpers.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

const ANSWER = [
  'First part of the answer, and then some code for you:',
  '',
  '```js',
  'const duck = "quack";',
  'function greet() { return duck; }',
  '```',
  '',
  'Docs: https://example.com/ducks and <img src=x onerror="alert(1)"> stays text.',
].join('\n');

describe('chatting in the web page', () => {
  it('streams the answer with a visible stage, then renders markdown with highlighted code and the generation stats', async () => {
    const { hold, release } = gate();
    const stack = await startWebStack(roles({ thinker: { content: ANSWER, hold } }));
    const page = await openChat(stack);
    await page.getByTestId('empty-state').waitFor();

    await sendMessage(page, 'hello there');
    await page.getByTestId('message-user').filter({ hasText: 'hello there' }).waitFor();
    // Mid-stream: the first piece is on the page, the stage says what happens, Stop is offered.
    await expect.poll(() => text(page, 'answer')).toContain('First part');
    expect(await text(page, 'stage')).toContain('Writing the answer');
    expect(await page.getByTestId('stop').isVisible()).toBe(true);
    expect(await page.getByTestId('composer').inputValue()).toBe('');

    release();
    await page.locator('[data-testid="answer"] .hljs-keyword').first().waitFor();
    const answer = page.getByTestId('answer');
    expect(await answer.locator('.code-lang').textContent()).toBe('js');
    expect(await answer.locator('button[data-copy-code]').count()).toBe(1);
    // Links open in a new tab without a referrer; the model's HTML stays text.
    const link = answer.locator('a[href="https://example.com/ducks"]');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await answer.locator('img').count()).toBe(0);
    expect(await answer.textContent()).toContain('<img src=x onerror="alert(1)">');

    // The turn is over: the stage line is empty, Send is back and the message box has the focus.
    await page.getByTestId('send').waitFor();
    expect((await text(page, 'stage'))?.trim()).toBe('');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer');

    const stats = page.getByTestId('generation-stats');
    await stats.waitFor();
    expect(await stats.locator('summary').textContent()).toMatch(/^\d+ tokens · .*\d+(\.\d)? (ms|s)$/);
    await stats.locator('summary').click();
    expect(await stats.textContent()).toContain('Prompt tokens');
    await screenshot(page, 'chat-laptop');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'chat-laptop-dark');
  });

  it('shows the reasoning live in a panel that folds away when the answer starts; the switch is remembered and sent', async () => {
    const { hold, release } = gate();
    let first = true;
    const stack = await startWebStack(
      roles({
        thinker: () => {
          const reply = first ? { reasoning: 'Ducks have waterproof feathers, so they float.', content: 'Ducks float.', hold } : { content: 'Still floating.' };
          first = false;
          return reply;
        },
      }),
    );
    const page = await openChat(stack);
    await sendMessage(page, 'why do ducks float?');

    await expect.poll(() => text(page, 'reasoning-text')).toContain('Ducks have');
    expect(await text(page, 'stage')).toContain('Thinking');
    release();
    await page.getByTestId('answer').filter({ hasText: 'Ducks float.' }).waitFor();
    // Collapsed once the answer came; the person can open it again.
    await page.getByTestId('reasoning-text').waitFor({ state: 'detached' });
    await page.getByTestId('reasoning-toggle').click();
    expect(await text(page, 'reasoning-text')).toBe('Ducks have waterproof feathers, so they float.');
    await screenshot(page, 'chat-reasoning');

    const thinker = () => stack.model.requests.filter((r) => r.model === 'thinker');
    const asksNotToThink = (body: Record<string, unknown>) => body.chat_template_kwargs !== undefined || body.reasoning_effort !== undefined;
    expect(asksNotToThink(thinker()[0]!.body)).toBe(false);

    await page.getByTestId('reasoning-switch').uncheck();
    expect(await page.evaluate(() => localStorage.getItem('ducklm.reasoning'))).toBe('off');
    await page.reload();
    await page.getByTestId('composer').waitFor();
    expect(await page.getByTestId('reasoning-switch').isChecked()).toBe(false);
    await sendMessage(page, 'and now?');
    await page.getByTestId('answer').filter({ hasText: 'Still floating.' }).waitFor();
    expect(asksNotToThink(thinker()[1]!.body)).toBe(true);
  });

  it('Esc stops a streaming answer and the task ends cancelled; Shift+Enter adds a line instead of sending', async () => {
    const never = new Promise<void>(() => undefined);
    const stack = await startWebStack(roles({ thinker: { content: 'A very long story that never ends, about a duck.', hold: never } }));
    const page = await openChat(stack);

    const composer = page.getByTestId('composer');
    await composer.fill('line one');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('line two');
    expect(await composer.inputValue()).toBe('line one\nline two');
    expect(await page.getByTestId('message-user').count()).toBe(0);

    await composer.fill('tell me a story');
    await composer.press('Enter');
    await expect.poll(() => text(page, 'answer')).toContain('A very long');
    await page.keyboard.press('Escape');

    await page.getByTestId('turn-stopped').waitFor();
    await page.getByTestId('send').waitFor();
    expect(await page.getByTestId('stop').count()).toBe(0);
    const taskId = await lastTaskId(page);
    await expect.poll(async () => (await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('cancelled');
    // What was streamed stays on the page.
    expect(await text(page, 'answer')).toContain('A very long');
  });

  it('shows errors inline: a model failure in the turn, and a request that cannot start gives the text back', async () => {
    const stack = await startWebStack(roles({ thinker: () => ({ status: 500, body: { error: { message: 'the model fell over' } } }) }));
    const page = await openChat(stack);
    await sendMessage(page, 'hello');
    const error = page.getByTestId('turn-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/\S/);
    expect(await page.getByTestId('message-user').textContent()).toBe('hello');

    // A workspace the server refuses (422): nothing is lost of what was typed.
    await page.evaluate(() => localStorage.setItem('ducklm.workspace', `/${'x'.repeat(5000)}`));
    await page.goto(`${stack.url}/`);
    await sendMessage(page, 'please keep this text');
    const startError = page.getByTestId('chat-error');
    await startError.waitFor();
    expect(await startError.textContent()).toContain('Invalid request');
    expect(await page.getByTestId('composer').inputValue()).toBe('please keep this text');
    expect(await page.getByTestId('message-user').count()).toBe(0);
  });

  it('fits a phone: no sideways scrolling, cards wrap, the composer stays at the bottom', async () => {
    const long = `echo ${'duck-'.repeat(40)}end`;
    const stack = await startWebStack(roles({ planner: plannerRunning(long, 'high'), thinker: { content: 'ok' } }));
    const page = await openChat(stack, PHONE);
    await sendMessage(page, 'run the long echo');
    await page.getByTestId('approval-card').waitFor();

    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      chat: (() => {
        const box = document.querySelector('.chat-scroll')!;
        return box.scrollWidth - box.clientWidth;
      })(),
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(widths.chat).toBeLessThanOrEqual(0);
    const composer = (await page.getByTestId('composer').boundingBox())!;
    expect(composer.y + composer.height).toBeLessThanOrEqual(PHONE.height);
    expect(composer.y).toBeGreaterThan(PHONE.height / 2);
    const card = (await page.getByTestId('approval-card').boundingBox())!;
    expect(card.x + card.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'chat-phone');
  });
});
