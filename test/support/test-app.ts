import { join } from 'node:path';
import { DEFAULT_LIMITS, loadConfig, type Config } from '../../src/config.js';
import { createApp, type DucklmApp } from '../../src/http/app.js';
import { resolveApiToken } from '../../src/http/security/api-token.js';
import type { ModelClient } from '../../src/model/model-client.js';
import type { CommandRunner } from '../../src/tools/shell/command-runner.js';
import { FakeCommandRunner } from './fake-command-runner.js';
import { openFollow, openStream, postStream, type SseResponse } from './sse-client.js';
import { afterThisTest, tempDir } from './temp-dir.js';

export { tempDir };

/** The API token every test app is configured with (through DUCK_API_TOKEN, as a user would). */
export const TEST_TOKEN = 'test-token-0123456789-abcdef';

export interface TestApp {
  app: DucklmApp;
  baseUrl: string;
  /** A fresh folder for this test: the database lives in it; use it as a workspace. */
  dir: string;
  /** The API token; `get`, `post`, `stream` and `openStream` send it. */
  token: string;
  /** `{authorization: 'Bearer <token>'}`, for requests made by hand. */
  auth: Record<string, string>;
  get(path: string): Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  post(path: string, body?: unknown): Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  put(path: string, body?: unknown): Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  delete(path: string): Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** `postStream` with the token. */
  stream(path: string, body: unknown): Promise<SseResponse>;
  /** `openStream` with the token. */
  openStream(path: string, body: unknown): ReturnType<typeof openStream>;
  /** `GET` a task stream with the token (and `headers`, e.g. Last-Event-ID). */
  follow(path: string, headers?: Record<string, string>): ReturnType<typeof openFollow>;
}

/**
 * A real ducklm app on a real port 0 listener, with a fake model and command runner. Without
 * `model` the app finds and chooses one itself, as `ducklm serve` does, looking only where the
 * test's env says (DUCK_DISCOVER, default off: never at the machine's usual ports).
 */
export async function startTestApp(options: { model?: ModelClient; runner?: CommandRunner; env?: NodeJS.ProcessEnv; dir?: string; config?: (c: Config) => void; log?: (message: string) => void; keepAliveMs?: number }): Promise<TestApp> {
  const dir = options.dir ?? tempDir();
  // DUCK_DATA_DIR keeps anything the app writes (a token file, if a test unsets the token) out of $HOME.
  const env = { DUCK_DB_PATH: join(dir, 'duck.sqlite3'), DUCK_DATA_DIR: dir, DUCK_API_TOKEN: TEST_TOKEN, DUCK_DISCOVER: 'off', ...options.env };
  const config = loadConfig(env);
  config.runtime = { ...DEFAULT_LIMITS };
  options.config?.(config);
  // What the app will use: DUCK_API_TOKEN, or the data folder's token file if a test unset it.
  const token = resolveApiToken(config);
  const app = await createApp({ config, env, ...(options.model ? { model: options.model } : {}), runner: options.runner ?? new FakeCommandRunner(), log: options.log ?? (() => {}), ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}) });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  afterThisTest(() => app.close());
  const auth = { authorization: `Bearer ${token}` };
  const request = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      ...(body === undefined ? { headers: auth } : { headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  return {
    app,
    baseUrl,
    dir,
    token,
    auth,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
    put: (path, body) => request('PUT', path, body),
    delete: (path) => request('DELETE', path),
    stream: (path, body) => postStream(baseUrl, path, body, { headers: auth }),
    openStream: (path, body) => openStream(baseUrl, path, body, auth),
    follow: (path, headers = {}) => openFollow(baseUrl, path, { ...auth, ...headers }),
  };
}
