/**
 * Following a task's log in a real browser: a reload mid-answer, a second page on the same
 * conversation, a dropped connection, and Stop. Hanging up never stops a task; only Stop does.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, startWebStack, type WebStack } from '../support/browser.js';
import { startNetworkProxy } from '../support/network-proxy.js';
import { gate, lastTaskId, openChat, plannerRunning, roles, sendMessage, text } from './chat-helpers.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

// Plain text, so that what the page renders is the stored answer character for character.
const ANSWER = 'Ducks are waterbirds with waterproof feathers. They float, they dabble for weeds, and many fly south when the ponds freeze.';

const conversationOf = (page: Page) => /#chat\/(conv_[\w-]+)/.exec(page.url())?.[1] ?? null;

async function storedAnswer(stack: WebStack, conversationId: string): Promise<string> {
  const detail = await stack.api('GET', `/v1/conversations/${conversationId}`);
  return detail.messages.filter((m: { role: string }) => m.role === 'assistant').at(-1).content;
}

/** The paths of the task's log (`/events`) and stream (`/stream`) requests the page makes. */
function taskRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (/^\/v1\/tasks\/[^/]+\/(events|stream)$/.test(path)) seen.push(path);
  });
  return seen;
}

describe('following a task in the web page', () => {
  it('a reload mid-answer follows the task on: the answer streams to exactly the stored text and the task is not cancelled', async () => {
    const { hold, release } = gate();
    const stack = await startWebStack(roles({ thinker: { content: ANSWER, hold } }));
    const page = await openChat(stack);
    await sendMessage(page, 'tell me about ducks');
    await expect.poll(() => text(page, 'answer')).toContain('Ducks are');
    const taskId = await lastTaskId(page);
    const conversationId = conversationOf(page)!;
    expect(conversationId).toBeTruthy();

    const requests = taskRequests(page);
    await page.reload();
    // Rebuilt from the stored log, then followed live from where the log was read.
    await expect.poll(() => text(page, 'answer')).toContain('Ducks are');
    await expect.poll(() => text(page, 'stage')).toContain('following it');
    expect(await page.getByTestId('send').count()).toBe(0);
    expect((await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('running');

    release();
    await page.getByTestId('generation-stats').waitFor();
    const stored = await storedAnswer(stack, conversationId);
    expect(stored).toBe(ANSWER);
    expect((await text(page, 'answer'))?.trim()).toBe(stored);
    expect((await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('completed');
    expect((await text(page, 'stage'))?.trim()).toBe('');
    // Read once and then followed, never polled.
    expect(requests.filter((path) => path.endsWith('/events'))).toEqual([`/v1/tasks/${taskId}/events`]);
    expect(requests).toContain(`/v1/tasks/${taskId}/stream`);
  });

  it('a second page shows the task live: an approval decided in the first shows as decided, and the answer streams in both', async () => {
    const { hold, release } = gate();
    const stack = await startWebStack(roles({ planner: plannerRunning('echo duck-web-ok'), thinker: { content: ANSWER, hold } }));
    const first = await openChat(stack);
    await sendMessage(first, 'run echo duck-web-ok');
    const firstCard = first.getByTestId('approval-card');
    await firstCard.waitFor();

    const second = await openChat(stack);
    await second.goto(first.url());
    const secondCard = second.getByTestId('approval-card');
    await secondCard.waitFor();
    expect(await secondCard.getAttribute('data-state')).toBe('pending');
    await expect.poll(() => text(second, 'stage')).toContain('Waiting for your approval');

    await firstCard.getByRole('button', { name: 'Allow once' }).click();
    await secondCard.getByTestId('approval-decision').filter({ hasText: 'Allowed' }).waitFor();
    await second.getByTestId('tool-output').filter({ hasText: 'duck-web-ok' }).waitFor();
    // Continued by the first page: nothing is left for this one to continue.
    expect(await secondCard.getByRole('button', { name: 'Continue' }).count()).toBe(0);
    // The held answer's first part, while the task still runs.
    await expect.poll(() => text(second, 'answer')).toContain('Ducks are');
    await expect.poll(() => text(second, 'stage')).toContain('Writing the answer');

    release();
    await second.getByTestId('generation-stats').waitFor();
    await first.getByTestId('generation-stats').waitFor();
    const stored = await storedAnswer(stack, conversationOf(first)!);
    expect((await text(second, 'answer'))?.trim()).toBe(stored);
    expect((await text(first, 'answer'))?.trim()).toBe(stored);
    expect(await second.getByTestId('tool-call').count()).toBe(1);
    const events: { event_type: string; payload: Record<string, unknown> }[] = await stack.api('GET', `/v1/tasks/${await lastTaskId(first)}/events`);
    expect(events.find((e) => e.event_type === 'approval_decided')?.payload).toMatchObject({ decision: 'allow_once', decided_by: 'person', via: 'web' });
  });

  it('a page already showing a conversation shows a message sent from another page, live, without a reload', async () => {
    const { hold, release } = gate();
    let calls = 0;
    const stack = await startWebStack(roles({ thinker: () => (++calls === 1 ? { content: 'First answer.' } : { content: ANSWER, hold }) }));
    const first = await openChat(stack);
    await sendMessage(first, 'hello');
    await first.getByTestId('generation-stats').waitFor();
    const second = await openChat(stack);
    await second.goto(first.url());
    await expect.poll(() => text(second, 'answer')).toContain('First answer.');
    const reloads: string[] = [];
    second.on('framenavigated', (frame) => frame === second.mainFrame() && reloads.push(frame.url()));

    await sendMessage(first, 'tell me about ducks');
    // The second page learns of the task from its conversation watch and follows it while it is held.
    await second.getByTestId('message-user').filter({ hasText: 'tell me about ducks' }).waitFor();
    await expect.poll(() => text(second, 'stage')).toContain('following it');
    release();
    await expect.poll(async () => (await second.getByTestId('generation-stats').count())).toBe(2);
    const stored = await storedAnswer(stack, conversationOf(first)!);
    expect(stored).toBe(ANSWER);
    const answers = await second.getByTestId('answer').allTextContents();
    expect(answers.at(-1)?.trim()).toBe(stored);
    expect(await second.getByTestId('message-user').count()).toBe(2);
    expect(reloads).toEqual([]);
  });

  it('a dropped connection is resumed from the last event: "reconnecting…", then the answer goes on with nothing twice', async () => {
    const { hold, release } = gate();
    const stack = await startWebStack(roles({ thinker: { content: ANSWER, hold } }));
    const proxy = await startNetworkProxy(stack.url);
    const { page } = await stack.newPage();
    await page.goto(stack.signInUrl.replace(stack.url, proxy.url));
    await page.getByTestId('composer').waitFor();
    await sendMessage(page, 'tell me about ducks');
    await expect.poll(() => text(page, 'answer')).toContain('Ducks are');
    const taskId = await lastTaskId(page);

    await proxy.cut();
    await page.getByTestId('stage-reconnecting').waitFor();
    release();
    // The task goes on without the page.
    await expect.poll(async () => (await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('completed');
    await proxy.restore();
    await page.getByTestId('generation-stats').waitFor();
    expect((await text(page, 'answer'))?.trim()).toBe(await storedAnswer(stack, conversationOf(page)!));
    expect(await page.getByTestId('stage-reconnecting').count()).toBe(0);
  });

  it('Stop asks the server to cancel the task: the turn ends stopped and the task cancelled, by the web page', async () => {
    const never = new Promise<void>(() => undefined);
    const stack = await startWebStack(roles({ thinker: { content: ANSWER, hold: never } }));
    const page = await openChat(stack);
    await sendMessage(page, 'tell me about ducks');
    await expect.poll(() => text(page, 'answer')).toContain('Ducks are');
    const taskId = await lastTaskId(page);

    await page.getByTestId('stop').click();
    await page.getByTestId('turn-stopped').waitFor();
    await page.getByTestId('send').waitFor();
    expect((await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('cancelled');
    const events: { event_type: string; payload: Record<string, unknown> }[] = await stack.api('GET', `/v1/tasks/${taskId}/events`);
    expect(events.find((e) => e.event_type === 'cancel_requested')?.payload).toMatchObject({ via: 'web' });
    expect(events.at(-1)).toMatchObject({ event_type: 'done', payload: { status: 'cancelled' } });
    expect(await text(page, 'answer')).toContain('Ducks are');
  });
});
