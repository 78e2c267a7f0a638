import { chmodSync, mkdirSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, protectedDataPaths } from '../../src/config.js';
import { openDatabase } from '../../src/store/database.js';
import { fileRead } from '../../src/tools/file-read.js';
import { listDir } from '../../src/tools/list-dir.js';
import { shellExecSafe } from '../../src/tools/shell-exec-safe.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp, tempDir } from '../support/test-app.js';

const quiet = { memory_policy: { should_store: false, summary: '' } };

/** A planner that runs the one action the user message names (`tool arg`), once. */
const planner = () =>
  new FakeModelClient({
    chat: {
      action: (m) => {
        const [tool, ...rest] = m.at(-1)!.content.split('\n')[0]!.split(' ');
        const args = tool === 'shell_exec_safe' ? { command: rest.join(' ') } : { path: rest.join(' ') };
        return directive(hasObservations(m) ? [] : [{ tool: tool!, args }], 'low');
      },
      ...quiet,
    },
    stream: [{ type: 'content_delta' as const, delta: 'ok' }],
  });

/** A home folder used as the workspace, with ducklm's data where it lives by default. */
function home() {
  const dir = tempDir();
  const homeDir = join(dir, 'home');
  const data = join(homeDir, '.local', 'share', 'ducklm');
  mkdirSync(homeDir);
  writeFileSync(join(homeDir, 'notes.txt'), 'my notes');
  return { dir, homeDir, data, env: { DUCK_DATA_DIR: data, DUCK_DB_PATH: join(data, 'duck.sqlite3'), DUCK_API_TOKEN: '' } };
}

describe("ducklm's own data, with the home folder as workspace", () => {
  it.each([
    ['file_read', '.local/share/ducklm/api-token'],
    ['file_read', '.local/share/ducklm/duck.sqlite3'],
    ['file_read', '.local/share/ducklm/duck.sqlite3-wal'],
    ['list_dir', '.local/share/ducklm'],
    ['shell_exec_safe', 'cat .local/share/ducklm/api-token'],
    ['shell_exec_safe', 'head -c 100 .local/share/ducklm/duck.sqlite3'],
  ])('%s %s asks, and no token or memory reaches the stream', async (tool, arg) => {
    const { dir, homeDir, env } = home();
    const t = await startTestApp({ model: planner(), dir, env });
    const run = await t.stream('/v1/chat/stream', { message: `${tool} ${arg}`, workspace: homeDir });
    const asked = firstOf(run, 'tool_approval_requested');
    expect(asked.tool).toBe(tool);
    expect(asked.reason).toMatch(/ducklm's own data/);
    expect(run.events.some((e) => e.event === 'tool_call_finished')).toBe(false);
    expect(run.body).not.toContain(t.token);
    // "Always allow" is not offered for ducklm's own data.
    expect((await t.post(`/v1/approvals/${asked.approval_id}/allow_always`)).status).toBe(422);
  });

  it('the rest of the home folder is still read at once', async () => {
    const { dir, homeDir, env } = home();
    const t = await startTestApp({ model: planner(), dir, env });
    const run = await t.stream('/v1/chat/stream', { message: 'file_read notes.txt', workspace: homeDir });
    expect(firstOf(run, 'tool_call_finished').output).toBe('my notes');
  });

  it('a symlink or a hard link to the token file asks too', async () => {
    const { homeDir, data } = home();
    const config = loadConfig({ DUCK_DATA_DIR: data, DUCK_DB_PATH: join(data, 'duck.sqlite3') });
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'api-token'), 'secret-token-0123456789\n', { mode: 0o600 });
    const { symlinkSync, linkSync } = await import('node:fs');
    symlinkSync(join(data, 'api-token'), join(homeDir, 'innocent.txt'));
    linkSync(join(data, 'api-token'), join(homeDir, 'copy.txt'));
    const ctx: ToolContext = { workspace: homeDir, signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 65536 }, protectedPaths: protectedDataPaths(config) };
    for (const path of ['innocent.txt', 'copy.txt', '.local/share/ducklm/../ducklm/api-token']) {
      expect((await fileRead.approval({ path }, ctx)).kind, path).toBe('ask');
      expect((await shellExecSafe.approval({ command: `cat ${path}` }, ctx)).kind, path).toBe('ask');
    }
    expect((await listDir.approval({ path: '.local/share' }, ctx)).kind).toBe('allow');
  });

  it('a workspace inside the data folder reads its own files, never the database', async () => {
    const { data } = home();
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'readme.txt'), 'hi');
    const config = loadConfig({ DUCK_DATA_DIR: data });
    const ctx: ToolContext = { workspace: data, signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 65536 }, protectedPaths: protectedDataPaths(config) };
    expect((await fileRead.approval({ path: 'readme.txt' }, ctx)).kind).toBe('allow');
    expect((await fileRead.approval({ path: 'duck.sqlite3' }, ctx)).kind).toBe('ask');
    expect((await fileRead.approval({ path: 'api-token' }, ctx)).kind).toBe('ask');
  });
});

describe("ducklm's data files are private", () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('a new data folder is 0700 and the database, its side files and the token are 0600', async () => {
    const { dir, data, env } = home();
    const t = await startTestApp({ model: planner(), dir, env });
    await t.stream('/v1/chat/stream', { message: 'file_read notes.txt', workspace: join(dir, 'home') });
    expect(mode(data)).toBe(0o700);
    const files = ['duck.sqlite3', 'duck.sqlite3-wal', 'duck.sqlite3-shm', 'api-token'].map((f) => join(data, f));
    expect(files.filter(existsSync).length).toBeGreaterThanOrEqual(3);
    for (const file of files.filter(existsSync)) expect(mode(file), file).toBe(0o600);
  });

  it('an existing open folder and 0644 database are closed at startup', async () => {
    const { dir, data, env } = home();
    mkdirSync(data, { recursive: true, mode: 0o755 });
    chmodSync(data, 0o755);
    openDatabase(join(data, 'duck.sqlite3')).close();
    for (const f of ['duck.sqlite3', 'duck.sqlite3-wal', 'duck.sqlite3-shm']) if (existsSync(join(data, f))) chmodSync(join(data, f), 0o644);
    await startTestApp({ model: planner(), dir, env });
    expect(mode(data)).toBe(0o700);
    for (const f of ['duck.sqlite3', 'duck.sqlite3-wal', 'duck.sqlite3-shm']) if (existsSync(join(data, f))) expect(mode(join(data, f)), f).toBe(0o600);
  });
});
