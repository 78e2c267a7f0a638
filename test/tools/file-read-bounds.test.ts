import { execFileSync } from 'node:child_process';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileRead } from '../../src/tools/file-read.js';
import { listDir } from '../../src/tools/list-dir.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp, tempDir } from '../support/test-app.js';

function workspaceWithFifo() {
  const ws = realpathSync(tempDir());
  execFileSync('mkfifo', [join(ws, 'pipe')]);
  writeFileSync(join(ws, 'big.txt'), 'x'.repeat(200 * 1024));
  const ctx: ToolContext = { workspace: ws, signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 65536 } };
  return { ws, ctx };
}

describe('file_read and list_dir are bounded', () => {
  it('file_read of a FIFO returns an error instead of blocking', async () => {
    const { ctx } = workspaceWithFifo();
    const result = await fileRead.execute({ path: 'pipe' }, ctx);
    expect(result).toMatchObject({ ok: false });
    expect(result.output).toMatch(/named pipe/);
  });

  it('file_read of /dev/zero-like devices and folders is refused', async () => {
    const { ctx } = workspaceWithFifo();
    expect((await fileRead.execute({ path: '/dev/zero' }, ctx)).output).toMatch(/device/);
    expect((await fileRead.execute({ path: '.' }, ctx)).output).toMatch(/folder/);
  });

  it('file_read reads at most 64 KiB of a large file', async () => {
    const { ctx } = workspaceWithFifo();
    const result = await fileRead.execute({ path: 'big.txt' }, ctx);
    expect(result.output.length).toBe(64 * 1024);
    expect(result.truncated).toBe(true);
  });

  it('list_dir of a FIFO says it is not a folder', async () => {
    const { ctx } = workspaceWithFifo();
    expect(await listDir.execute({ path: 'pipe' }, ctx)).toMatchObject({ ok: false });
  });

  it('a cancelled task does not start the read', async () => {
    const { ctx } = workspaceWithFifo();
    const controller = new AbortController();
    controller.abort();
    await expect(fileRead.execute({ path: 'big.txt' }, { ...ctx, signal: controller.signal })).rejects.toThrow();
  });

  it('five FIFO reads at once leave the server answering', async () => {
    const { ws } = workspaceWithFifo();
    const model = new FakeModelClient({
      chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'file_read', args: { path: 'pipe' } }], 'low'), memory_policy: { should_store: false, summary: '' } },
      stream: [{ type: 'content_delta' as const, delta: 'ok' }],
    });
    const t = await startTestApp({ model, dir: ws });
    const runs = await Promise.all(Array.from({ length: 5 }, () => t.stream('/v1/chat/stream', { message: 'read the pipe', workspace: ws })));
    for (const run of runs) expect(firstOf(run, 'tool_call_finished')).toMatchObject({ ok: false });
    expect((await t.get('/v1/health')).status).toBe(200);
  }, 60_000);
});

describe('process data', () => {
  it('with / as the workspace, file_read of /proc/self/environ still asks and gets no rule', async () => {
    const ctx: ToolContext = { workspace: '/', signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 65536 } };
    const decision = await fileRead.approval({ path: '/proc/self/environ' }, ctx);
    expect(decision.kind === 'ask' && decision.reason).toMatch(/\/proc/);
    expect(await fileRead.ruleTarget!({ path: 'proc/self/environ' }, ctx)).toBeNull();
    expect((await fileRead.approval({ path: 'etc/hostname' }, ctx)).kind).toBe('allow');
  });
});
