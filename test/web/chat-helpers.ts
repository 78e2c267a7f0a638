/** Shared by the chat view's browser tests: scripted model roles and a signed-in page that records console errors. */
import type { Page } from 'playwright-core';
import { expect, onTestFinished } from 'vitest';
import { LAPTOP, NOTHING_TO_STORE, type WebStack } from '../support/browser.js';
import type { FakeReply, FakeRequest, FakeScript } from '../support/fake-openai-server.js';

export const observed = (request: FakeRequest) => request.messages.at(-1)?.content.includes('tool_observations') ?? false;

/** The planner asks for one shell command until it has seen the command's result. */
export function plannerRunning(command: string, risk: 'low' | 'medium' | 'high' = 'medium'): (request: FakeRequest) => FakeReply {
  return (request) => ({
    content: JSON.stringify({
      kind: 'action_directive',
      intent: 'run what the user asked',
      risk_level: risk,
      actions: observed(request) ? [] : [{ tool: 'shell_exec_safe', args: { command }, reason: 'The user asked to run it.' }],
    }),
  });
}

/** Routes the roles: planner and thinker as given, everything else stores nothing. */
export function roles(parts: { planner?: (request: FakeRequest) => FakeReply; thinker: FakeReply | ((request: FakeRequest) => FakeReply | { status: number; body: unknown }) }): FakeScript {
  return (request) => {
    if (request.model === 'planner' && parts.planner) return parts.planner(request);
    if (request.model === 'thinker') return typeof parts.thinker === 'function' ? parts.thinker(request) : parts.thinker;
    return NOTHING_TO_STORE;
  };
}

/** A promise to hold a reply with, and its release. */
export function gate(): { hold: Promise<void>; release: () => void } {
  let release!: () => void;
  const hold = new Promise<void>((resolve) => (release = resolve));
  return { hold, release };
}

/**
 * Opens the page signed in, on the chat view. Every console error is recorded, and the test
 * fails afterwards on any Content-Security-Policy violation or uncaught page error.
 */
export async function openChat(stack: WebStack, viewport = LAPTOP): Promise<Page> {
  const { page } = await stack.newPage(viewport);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  onTestFinished(() => expect(problems, 'CSP violations or page errors').toEqual([]));
  await page.goto(stack.signInUrl);
  await page.getByTestId('composer').waitFor();
  return page;
}

/** Types a message and presses Enter. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer');
  await composer.fill(text);
  await composer.press('Enter');
}

export const text = (page: Page, testId: string) => page.getByTestId(testId).last().textContent();

/** The task id of the last turn on the page. */
export async function lastTaskId(page: Page): Promise<string> {
  const id = await page.locator('article.turn[data-task-id]').last().getAttribute('data-task-id');
  if (!id) throw new Error('no task id on the page');
  return id;
}
