/**
 * Copy, Retry and Edit on the chat's messages in a real browser against a real `ducklm serve`
 * (issue 16). Retry and edit replace; they never branch: the old turns leave the page, the
 * conversation as reloaded and what the model sees. Nothing is sent past a waiting approval.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, NOTHING_TO_STORE, screenshot, startWebStack, type WebStack } from '../support/browser.js';
import type { FakeRequest, FakeScript } from '../support/fake-openai-server.js';
import { postStream } from '../support/sse-client.js';
import { lastTaskId, observed, openChat, roles, sendMessage, text } from './chat-helpers.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

const conversationOf = (page: Page) => /#chat\/(conv_[\w-]+)/.exec(page.url())?.[1] ?? null;
const all = (page: Page, testId: string) => page.getByTestId(testId).allTextContents();
const thinkerRequests = (stack: WebStack) => stack.model.requests.filter((r) => r.model === 'thinker');
const seen = (request: FakeRequest | undefined) => request?.messages.map((m) => m.content).join('\n') ?? '';

/** The thinker answers "Answer 1", "Answer 2", … in the order it is asked. */
function numbered(): FakeScript {
  let n = 0;
  return roles({ thinker: () => ({ content: `Answer ${++n}` }) });
}

/** Waits for the last turn to end and Send to be back. */
async function settled(page: Page, answer: string): Promise<void> {
  await page.getByTestId('answer').filter({ hasText: answer }).waitFor();
  await page.getByTestId('send').waitFor();
}

/** The conversation as a fresh load of the page shows it. */
async function reloaded(page: Page): Promise<{ users: string[]; answers: string[] }> {
  await page.reload();
  await page.getByTestId('message-user').first().waitFor();
  await page.getByTestId('send').waitFor();
  return { users: await all(page, 'message-user'), answers: (await all(page, 'answer')).map((a) => a.trim()) };
}

describe('copying a message', () => {
  const ANSWER = ['Two steps:', '', '1. **Boil** the water', '2. Pour it over the tea', '', '```sh', 'echo "steep 3 min"', '```'].join('\n');

  it('puts the whole answer on the clipboard as markdown, and the user message too', async () => {
    const stack = await startWebStack(roles({ thinker: { content: ANSWER } }));
    const page = await openChat(stack);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    await sendMessage(page, 'How do I make tea?\nQuickly, please.');
    await settled(page, 'Pour it over the tea');

    const copy = page.getByTestId('copy-answer');
    expect(await copy.textContent()).toBe('Copy');
    await copy.click();
    await page.locator('[data-testid="copy-answer"][data-state="copied"]').waitFor();
    expect(await copy.textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(ANSWER);

    await page.getByTestId('copy-message').click();
    await page.locator('[data-testid="copy-message"][data-state="copied"]').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('How do I make tea?\nQuickly, please.');
    await screenshot(page, 'chat-message-actions');
  });

  it('still copies where the Clipboard API is missing (a page over plain http from another machine)', async () => {
    const stack = await startWebStack(roles({ thinker: { content: ANSWER } }));
    const { context, page } = await stack.newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    // Not a secure context there: `navigator.clipboard` is undefined.
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true }));
    await page.goto(stack.signInUrl);
    await sendMessage(page, 'How do I make tea?');
    await settled(page, 'Pour it over the tea');
    await page.getByTestId('copy-answer').click();
    await page.locator('[data-testid="copy-answer"][data-state="copied"]').waitFor();
    // Read from a page of the same browser context that has the API.
    const reader = await context.newPage();
    await reader.goto(`${stack.url}/`);
    expect(await reader.evaluate(() => navigator.clipboard.readText())).toBe(ANSWER);
  });
});

describe('retry', () => {
  it('answers a failed message again in its place, then a completed one; a reload shows only the last answer', async () => {
    let calls = 0;
    const stack = await startWebStack(
      roles({ thinker: () => (++calls === 1 ? { status: 500, body: { error: { message: 'the model server is down' } } } : { content: `Answer ${calls}` }) }),
    );
    const page = await openChat(stack);
    await sendMessage(page, 'What is a heron?');
    await page.getByTestId('turn-error').waitFor();
    await page.getByTestId('send').waitFor();
    const failedTask = await lastTaskId(page);

    await page.getByTestId('retry').click();
    await settled(page, 'Answer 2');
    expect(await all(page, 'message-user')).toEqual(['What is a heron?']);
    expect(await page.getByTestId('turn-error').count()).toBe(0);
    expect(await lastTaskId(page)).not.toBe(failedTask);
    expect(await page.getByTestId('retry').count()).toBe(1);

    await page.getByTestId('retry').click();
    await settled(page, 'Answer 3');
    expect(await all(page, 'message-user')).toEqual(['What is a heron?']);
    expect(await page.getByTestId('answer').count()).toBe(1);
    // The model was asked the same message each time, and never saw an answer it replaces.
    expect(seen(thinkerRequests(stack).at(-1))).toContain('What is a heron?');
    expect(seen(thinkerRequests(stack).at(-1))).not.toContain('Answer 2');

    expect(await reloaded(page)).toEqual({ users: ['What is a heron?'], answers: ['Answer 3'] });
    const stored = await stack.api('GET', `/v1/conversations/${conversationOf(page)}`);
    expect(stored.messages.map((m: { role: string; content: string }) => `${m.role}: ${m.content}`)).toEqual(['user: What is a heron?', 'assistant: Answer 3']);
  });

  it('is followed by a second page showing the conversation: the old answer goes, the new one streams in', async () => {
    const stack = await startWebStack(numbered());
    const first = await openChat(stack);
    await sendMessage(first, 'Name a duck');
    await settled(first, 'Answer 1');
    await sendMessage(first, 'Another one');
    await settled(first, 'Answer 2');

    const second = await openChat(stack);
    await second.goto(first.url());
    await second.getByTestId('answer').filter({ hasText: 'Answer 2' }).waitFor();

    await first.getByTestId('retry').click();
    await settled(first, 'Answer 3');
    await second.getByTestId('answer').filter({ hasText: 'Answer 3' }).waitFor();
    await expect.poll(() => all(second, 'message-user')).toEqual(['Name a duck', 'Another one']);
    expect((await all(second, 'answer')).map((a) => a.trim())).toEqual(['Answer 1', 'Answer 3']);
    // The second page can retry in turn: it follows the new task, not the replaced one.
    await second.getByTestId('send').waitFor();
    await second.getByTestId('retry').click();
    await settled(second, 'Answer 4');
    await first.getByTestId('answer').filter({ hasText: 'Answer 4' }).waitFor();
    expect((await all(first, 'answer')).map((a) => a.trim())).toEqual(['Answer 1', 'Answer 4']);
  });
});

describe('edit and resend', () => {
  it('replaces the edited message and every later one; the model sees none of them, and a reload agrees', async () => {
    const stack = await startWebStack(numbered());
    const page = await openChat(stack);
    for (const [i, message] of ['My cat is called Tom', 'I like sailing on lakes', 'What boats are best?'].entries()) {
      await sendMessage(page, message);
      await settled(page, `Answer ${i + 1}`);
    }

    const second = page.locator('article.turn').nth(1);
    await second.getByTestId('edit-message').click();
    const box = page.getByTestId('edit-input');
    expect(await box.inputValue()).toBe('I like sailing on lakes');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('edit-input');
    expect(await page.getByTestId('edit-notice').textContent()).toBe("Sending replaces this message's answer and the later message with its answer.");
    await screenshot(page, 'chat-edit-message');
    // Esc leaves it as it was.
    await box.press('Escape');
    await page.getByTestId('edit-box').waitFor({ state: 'detached' });
    expect(await all(page, 'message-user')).toEqual(['My cat is called Tom', 'I like sailing on lakes', 'What boats are best?']);

    await second.getByTestId('edit-message').click();
    await box.fill('I like hiking in mountains');
    await box.press('Control+Enter');
    await settled(page, 'Answer 4');
    expect(await all(page, 'message-user')).toEqual(['My cat is called Tom', 'I like hiking in mountains']);
    expect((await all(page, 'answer')).map((a) => a.trim())).toEqual(['Answer 1', 'Answer 4']);

    const last = seen(thinkerRequests(stack).at(-1));
    expect(last).toContain('My cat is called Tom');
    expect(last).toContain('I like hiking in mountains');
    expect(last).not.toMatch(/sailing|boats|Answer 2|Answer 3/);
    expect(await reloaded(page)).toEqual({ users: ['My cat is called Tom', 'I like hiking in mountains'], answers: ['Answer 1', 'Answer 4'] });
  });

  it('keeps the edited text and says why when the server refuses it: a task of the conversation waits elsewhere', async () => {
    const planner = (request: FakeRequest) => {
      const wantsCommand = request.messages.some((m) => m.content.includes('clean the build')) && !observed(request);
      const actions = wantsCommand ? [{ tool: 'shell_exec_safe', args: { command: 'rm -rf build' }, reason: 'asked' }] : [];
      return { content: JSON.stringify({ kind: 'action_directive', intent: 'do it', risk_level: 'high', actions }) };
    };
    const stack = await startWebStack(roles({ planner, thinker: { content: 'Done.' } }));
    const page = await openChat(stack);
    await sendMessage(page, 'hello');
    await settled(page, 'Done.');
    const conversationId = conversationOf(page)!;
    // This page does not hear of the other client's task (its watch is cut), so the server is the one to refuse.
    await page.route('**/v1/conversations/*/stream', (route) => route.abort());
    await page.reload();
    await page.getByTestId('edit-message').waitFor();
    const elsewhere = await postStream(stack.url, '/v1/chat/stream', { message: 'clean the build', workspace: stack.workspace, conversation_id: conversationId }, { headers: { authorization: `Bearer ${stack.token}` } });
    expect(elsewhere.events.map((e) => e.event)).toContain('tool_approval_requested');

    await page.getByTestId('edit-message').click();
    await page.getByTestId('edit-input').fill('hello again');
    await page.getByTestId('edit-send').click();
    await expect.poll(() => text(page, 'chat-error')).toMatch(/waits for your decision/);
    // The turn is back, in its edit box with the new text; nothing was replaced.
    expect(await page.getByTestId('edit-input').inputValue()).toBe('hello again');
    expect(await page.locator('article.turn').count()).toBe(1);
    expect((await all(page, 'answer')).map((a) => a.trim())).toEqual(['Done.']);
    expect((await stack.api('GET', `/v1/conversations/${conversationId}`)).messages.map((m: { content: string }) => m.content)).toContain('hello');
  });
});

describe('nothing is sent past a waiting approval', () => {
  it('Retry is not offered and Edit is off while an approval waits; both come back once the task is stopped', async () => {
    const planner = (request: FakeRequest) => {
      const last = request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
      const actions = last.includes('echo') && !observed(request) ? [{ tool: 'shell_exec_safe', args: { command: 'echo duck' }, reason: 'asked' }] : [];
      return { content: JSON.stringify({ kind: 'action_directive', intent: 'do it', risk_level: 'medium', actions }) };
    };
    const stack = await startWebStack(roles({ planner, thinker: { content: 'Fine.' } }));
    const page = await openChat(stack);
    await sendMessage(page, 'hello');
    await settled(page, 'Fine.');
    expect(await page.getByTestId('retry').count()).toBe(1);

    await sendMessage(page, 'please run echo duck');
    await page.getByTestId('approval-card').waitFor();
    await page.getByTestId('composer-waiting').waitFor();
    expect(await page.getByTestId('retry').count()).toBe(0);
    const edit = page.getByTestId('edit-message');
    expect(await edit.count()).toBe(1);
    expect(await edit.isDisabled()).toBe(true);
    expect(await edit.getAttribute('title')).toMatch(/Waiting for your approval/);

    await page.getByTestId('stop').click();
    await page.getByTestId('turn-stopped').waitFor();
    await page.getByTestId('retry').waitFor();
    await expect.poll(() => page.getByTestId('edit-message').evaluateAll((buttons) => buttons.map((b) => (b as HTMLButtonElement).disabled))).toEqual([false, false]);
  });
});

describe('questions asked once (ducklm ask)', () => {
  it('stay out of the list until asked for; one opened and chatted in becomes a chat', async () => {
    const script: FakeScript = (request) => (request.model === 'thinker' ? { content: 'Noted.' } : NOTHING_TO_STORE);
    const stack = await startWebStack(script);
    const post = (body: Record<string, unknown>) => postStream(stack.url, '/v1/chat/stream', { workspace: stack.workspace, ...body }, { headers: { authorization: `Bearer ${stack.token}` } });
    await post({ message: 'A chat about gardens' });
    await post({ message: 'What time is it in Tokyo?', one_off: true });

    const page = await openChat(stack);
    const titles = () => page.getByTestId('conversation-item').locator('.conversation-title').allTextContents();
    await expect.poll(titles).toEqual(['A chat about gardens']);

    const toggle = page.getByTestId('conversations-kind');
    expect(await toggle.textContent()).toBe('Show questions asked once (ducklm ask)');
    await toggle.click();
    await expect.poll(titles).toEqual(['What time is it in Tokyo?']);
    expect(await toggle.textContent()).toBe('Back to chats');
    await screenshot(page, 'conversations-one-off');

    await page.getByTestId('conversation-item').click();
    await page.getByTestId('answer').filter({ hasText: 'Noted.' }).waitFor();
    await sendMessage(page, 'And in Osaka?');
    await page.getByTestId('message-user').filter({ hasText: 'And in Osaka?' }).waitFor();
    await page.getByTestId('send').waitFor();
    // Now a chat: the list goes back to the chats, with it on top.
    await expect.poll(titles).toEqual(['What time is it in Tokyo?', 'A chat about gardens']);
    expect(await toggle.getAttribute('data-kind')).toBe('chat');
  });
});
