/**
 * What the terminal client's tests run against: a fake OpenAI-compatible model server and a real
 * `ducklm serve` process using it. Model names route the roles: the script sees 'planner'
 * (action), 'thinker' (answers) and 'other' (memory policy and the rest).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, startServe } from '../support/cli-process.js';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type FakeRequest, type FakeScript } from '../support/fake-openai-server.js';
import { afterThisTest, tempDir } from '../support/temp-dir.js';
import { startInTmux, type Terminal } from '../support/tmux.js';

export const TOKEN = 'cli-test-token-0123456789-abcdef';

export const NOTHING_TO_STORE: FakeReply = { content: JSON.stringify({ should_store: false, memory_type: 'note', summary: '', importance: 0, scope: 'conversation', metadata: {} }) };

/** Everything the thinker (the role that writes the answer) was sent the last time, as one text. */
export const thinkerSaw = (stack: CliStack) =>
  stack.model.requests
    .filter((r) => r.model === 'thinker')
    .at(-1)!
    .messages.map((m) => m.content)
    .join('\n');

export const hasObservations = (request: FakeRequest) => request.messages.at(-1)?.content.includes('tool_observations') ?? false;

/**
 * A script whose planner asks for `command` once (at `risk`, so that it needs approval), then
 * for nothing once it has seen the result; the thinker answers with `answer`.
 */
export function commandScript(command: string | null, answer: FakeReply, risk = 'medium'): FakeScript {
  return (request) => {
    if (request.model === 'planner') {
      const actions = command && !hasObservations(request) ? [{ tool: 'shell_exec_safe', args: { command }, reason: 'the user asked for it' }] : [];
      return { content: JSON.stringify({ kind: 'action_directive', intent: 'help the user', risk_level: risk, actions }) };
    }
    if (request.model === 'thinker') return answer;
    return NOTHING_TO_STORE;
  };
}

export interface CliStack {
  url: string;
  model: FakeOpenAIServer;
  /** A fresh folder: the workspace, and the server's working folder. */
  workspace: string;
  /** What a client needs: HOME, the data folder and the token. */
  clientEnv: Record<string, string>;
  /** The server's environment, for starting more clients or an in-process server like it. */
  serverEnv: Record<string, string>;
  /** Calls the API with the token. */
  api<T = any>(method: string, path: string): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Stops `ducklm serve` (SIGTERM, or SIGKILL: a crash) and starts it again on the same port, with the same data. */
  restartServer(signal?: NodeJS.Signals): Promise<void>;
  /** Starts `ducklm chat` against this server (or `url`, e.g. a proxy in front of it) in a tmux terminal (120 columns unless `width` says). */
  chat(args?: string[], options?: { url?: string; width?: number }): Promise<Terminal>;
}

/** `tokenFile`: no DUCK_API_TOKEN anywhere; the server makes the data folder's token file and clients read it. */
export async function startCliStack(script: FakeScript, options: { path?: string; tokenFile?: boolean } = {}): Promise<CliStack> {
  const model = await startFakeOpenAIServer(script);
  afterThisTest(() => model.close());
  const dir = tempDir();
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  const clientEnv: Record<string, string> = { HOME: dir, DUCK_DATA_DIR: join(dir, 'data'), ...(options.tokenFile ? {} : { DUCK_API_TOKEN: TOKEN }) };
  const serverEnv = {
    ...clientEnv,
    DUCK_MODEL_BASE_URL: model.baseUrl,
    DUCK_MODEL: 'other',
    DUCK_MODEL_ACTION: 'planner',
    DUCK_MODEL_THINKER: 'thinker',
    PATH: options.path ?? process.env.PATH!,
  };
  let served = await startServe([], serverEnv, { cwd: workspace });
  const token = options.tokenFile ? decodeURIComponent(served.lines[1]!.split('?token=')[1]!) : TOKEN;
  return {
    url: served.url,
    model,
    workspace,
    clientEnv,
    serverEnv,
    async api(method, path) {
      const response = await fetch(`${served.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async restartServer(signal) {
      await served.stop(signal);
      served = await startServe(['--port', new URL(served.url).port], serverEnv, { cwd: workspace });
    },
    chat(args = [], { url = served.url, width }: { url?: string; width?: number } = {}) {
      return startInTmux([process.execPath, BIN, 'chat', '--url', url, ...args], {
        env: { ...clientEnv, PATH: process.env.PATH!, TERM: 'xterm-256color', LANG: 'C.UTF-8' },
        cwd: workspace,
        width,
      });
    },
  };
}
