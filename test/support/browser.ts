/**
 * Browser tests: Debian's Chromium, headless, driven by playwright-core, against a real
 * `ducklm serve` process whose model is a fake OpenAI-compatible server.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll } from 'vitest';
import { startServe } from './cli-process.js';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeScript, type FakeServerOptions } from './fake-openai-server.js';
import { afterThisTest, tempDir } from './temp-dir.js';

export const CHROMIUM = process.env.DUCK_CHROMIUM ?? '/usr/bin/chromium';
/** Where the test run leaves its screenshots of the main views. */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

let browser: Promise<Browser> | undefined;

/** One headless Chromium per test file, closed after it. */
export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install chromium), as .ci/run does`);
  if (!browser) {
    browser = chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    afterAll(async () => {
      await (await browser!).close();
      browser = undefined;
    });
  }
  return browser;
}

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface WebStack {
  /** The server's base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The printed sign-in link with its `?token=`. */
  signInUrl: string;
  token: string;
  model: FakeOpenAIServer;
  /** A fresh workspace folder, already chosen as the page's default (the server's working directory). */
  workspace: string;
  /** The server's data folder (DUCK_DATA_DIR): its config file, pulled models. */
  dataDir: string;
  /** A new browser context (own cookies and storage) with one page, closed after the test. */
  newPage(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** Calls the API with the token, for arranging and checking state beside the page. */
  api(method: string, path: string, body?: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * Starts the fake model server and `ducklm serve` against it. Model names route the roles: the
 * script sees `request.model` as 'planner' (action), 'thinker' (answers), 'recall' or 'other'
 * (memory policy and the rest).
 */
export async function startWebStack(script: FakeScript, env: NodeJS.ProcessEnv = {}, options: { fake?: FakeServerOptions; discover?: boolean } = {}): Promise<WebStack> {
  const model = await startFakeOpenAIServer(script, options.fake);
  afterThisTest(() => model.close());
  const dir = tempDir();
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  const token = 'browser-token-0123456789-abcdef';
  // `discover`: nothing configured, the fake is found where ducklm looks; else the roles are routed by model name.
  const models = options.discover
    ? { DUCK_DISCOVER: model.baseUrl }
    : { DUCK_MODEL_BASE_URL: model.baseUrl, DUCK_MODEL: 'other', DUCK_MODEL_ACTION: 'planner', DUCK_MODEL_THINKER: 'thinker', DUCK_MODEL_RECALL: 'recall' };
  const served = await startServe([], { HOME: dir, DUCK_DATA_DIR: join(dir, 'data'), DUCK_API_TOKEN: token, ...models, ...env }, { cwd: workspace });
  const signInUrl = served.lines.find((line) => line.startsWith('open '))!.slice('open '.length);
  const b = await launchBrowser();
  return {
    url: served.url,
    signInUrl,
    token,
    model,
    workspace,
    dataDir: join(dir, 'data'),
    async newPage(viewport = LAPTOP) {
      const context = await b.newContext({ viewport });
      afterThisTest(() => context.close());
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      return { context, page };
    },
    async api(method, path, body) {
      const response = await fetch(`${served.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
  };
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** A memory-policy reply that stores nothing, for scripts that do not test memory. */
export const NOTHING_TO_STORE = { content: JSON.stringify({ should_store: false, memory_type: 'note', summary: '', importance: 0, scope: 'conversation', metadata: {} }) };
