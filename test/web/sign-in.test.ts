/** The page's frame in a real browser: signing in with the printed link, and without it. */
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { launchBrowser, NOTHING_TO_STORE, PHONE, screenshot, startWebStack } from '../support/browser.js';

beforeAll(async () => {
  assertBuilt();
  await launchBrowser();
});

const quiet = () => NOTHING_TO_STORE;

describe('signing in to the web page', () => {
  it('the printed link signs in and the token leaves the address bar; the session lives in an HttpOnly cookie only', async () => {
    const stack = await startWebStack(quiet);
    const { context, page } = await stack.newPage();
    await page.goto(stack.signInUrl);
    await page.getByTestId('nav-chat').waitFor();
    expect(page.url()).not.toContain('token');
    expect(page.url()).toBe(`${stack.url}/`);
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // Script cannot read it, and nothing of it is kept in the page's storage.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain(stack.token);
    // The default workspace is where the server was started.
    await expect.poll(() => page.getByTestId('workspace').textContent()).toContain('workspace');
  });

  it('without the token the page explains how to sign in, and the pasted token works', async () => {
    const stack = await startWebStack(quiet);
    const { page } = await stack.newPage(PHONE);
    await page.goto(stack.url);
    await page.getByTestId('sign-in').waitFor();
    await screenshot(page, 'sign-in-phone');
    await page.getByLabel('API token').fill(stack.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('nav-chat').waitFor();
    expect(page.url()).not.toContain('token');
  });
});
