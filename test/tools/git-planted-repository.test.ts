import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { configWorktree, locateRepository } from '../../src/tools/shell/git-repository.js';
import { childEnv, SpawnCommandRunner } from '../../src/tools/shell/spawn-command-runner.js';
import { shellExecSafe } from '../../src/tools/shell-exec-safe.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

let root: string;
let ws: string;
let outside: string;
let ctx: ToolContext;

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, env: { ...childEnv(), GIT_CONFIG_NOSYSTEM: '1' }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A repository at `dir` with one committed file holding `text`. */
function repoWith(dir: string, file: string, text: string) {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '.');
  writeFileSync(join(dir, file), text);
  git(dir, 'add', file);
  git(dir, '-c', 'user.name=duck', '-c', 'user.email=duck@example.com', 'commit', '-qm', 'init');
}

beforeEach(() => {
  root = realpathSync(tempDir());
  ws = join(root, 'ws');
  outside = join(root, 'outside');
  repoWith(outside, 'secret.txt', 'OUTSIDE-SECRET\n');
  mkdirSync(ws);
  ctx = { workspace: ws, signal: new AbortController().signal, runner: new SpawnCommandRunner({ killGraceMs: 300 }), plannerRisk: 'low', limits: { commandTimeoutMs: 20_000, maxOutputBytes: 64 * 1024 } };
});

async function expectAsks(command: string, reason: RegExp) {
  const decision = await shellExecSafe.approval({ command }, ctx);
  expect(decision).toMatchObject({ kind: 'ask', riskLevel: 'medium', needsPassword: false });
  expect(decision.kind === 'ask' && decision.reason).toMatch(reason);
  // And if it is run anyway as if judged safe (a layout planted after approval), it is refused.
  const result = await shellExecSafe.execute({ command }, ctx);
  expect(result).toMatchObject({ ok: false, output: expect.stringMatching(/^git was not run/) });
  expect(result.output).not.toContain('OUTSIDE-SECRET');
}

describe('a planted repository: known-safe git checks where the repository really is', () => {
  it('`core.worktree=/outside` in .git/config: git diff asks (the example of the issue)', async () => {
    // The project commits a decoy under the outside file's name; the diff then prints the real one.
    repoWith(ws, 'secret.txt', 'decoy\n');
    git(ws, 'config', 'core.worktree', outside);
    expect(git(ws, 'diff')).toContain('+OUTSIDE-SECRET'); // the trap is armed
    await expectAsks('git diff', /core\.worktree.*outside the workspace/);
    await expectAsks('git status', /core\.worktree/);
  });

  it('a `.git` file naming another repository: git log -p asks (the example of the issue)', async () => {
    writeFileSync(join(ws, '.git'), `gitdir: ${join(outside, '.git')}\n`);
    expect(git(ws, 'log', '-p')).toContain('OUTSIDE-SECRET');
    await expectAsks('git log -p', /leads to .*outside the workspace/);
  });

  it('a relative `.git` file through a symlink, resolved as the kernel does', async () => {
    mkdirSync(join(outside, 'deep'));
    symlinkSync(join(outside, 'deep'), join(ws, 'link'));
    writeFileSync(join(ws, '.git'), 'gitdir: link/../.git\n');
    expect(git(ws, 'log', '-p')).toContain('OUTSIDE-SECRET');
    await expectAsks('git log -p', /outside the workspace/);
  });

  it('a `.git` symlink to another repository asks', async () => {
    symlinkSync(join(outside, '.git'), join(ws, '.git'));
    await expectAsks('git show HEAD', /outside the workspace/);
  });

  it('a `commondir` leading outside asks', async () => {
    repoWith(ws, 'a.txt', 'inside\n');
    writeFileSync(join(ws, '.git', 'commondir'), join(outside, '.git'));
    await expectAsks('git log -p', /common folder/);
  });

  it('objects borrowed from outside through alternates ask', async () => {
    repoWith(ws, 'a.txt', 'inside\n');
    writeFileSync(join(ws, '.git', 'objects', 'info', 'alternates'), `${join(outside, '.git', 'objects')}\n`);
    await expectAsks('git show HEAD', /borrows objects/);
  });

  it('a workspace inside a larger repository asks: git would show the rest of it', async () => {
    ws = join(outside, 'sub');
    mkdirSync(ws);
    ctx = { ...ctx, workspace: ws };
    await expectAsks('git log -p', /repository at .*larger than the workspace/);
  });

  it('core.worktree spelled on the section line, quoted, or with escapes asks', async () => {
    repoWith(ws, 'a.txt', 'inside\n');
    appendFileSync(join(ws, '.git', 'config'), `[core] worktree = "${outside}"\n`);
    await expectAsks('git diff', /core\.worktree/);
    expect(configWorktree('[core]\n\tWorkTree = "/o\\"ut"\n')).toBeNull();
    expect(configWorktree('[core "x"]\nworktree = /o\n[extensions]\nworktreeConfig = true\n')).toBeUndefined();
    expect(configWorktree('[CORE]\nworktree=/o ; comment\n')).toBe('/o');
  });

  it('a work tree set through an included config is overridden: git shows the workspace only', async () => {
    repoWith(ws, 'a.txt', 'inside\n');
    writeFileSync(join(root, 'inc.config'), `[core]\n\tworktree = ${outside}\n`);
    git(ws, 'config', 'include.path', join(root, 'inc.config'));
    writeFileSync(join(outside, 'secret.txt'), 'OUTSIDE-SECRET changed\n');
    writeFileSync(join(ws, 'a.txt'), 'inside changed\n');
    expect(await shellExecSafe.approval({ command: 'git diff' }, ctx)).toEqual({ kind: 'allow' });
    const result = await shellExecSafe.execute({ command: 'git diff' }, ctx);
    expect(result.output).toContain('+inside changed');
    expect(result.output).not.toContain('OUTSIDE-SECRET');
  });

  it('an ordinary repository at the workspace, and no repository at all, run unasked', async () => {
    expect(await locateRepository(ws)).toEqual({ kind: 'none' });
    expect(await shellExecSafe.approval({ command: 'git status' }, ctx)).toEqual({ kind: 'allow' });
    repoWith(ws, 'a.txt', 'inside\n');
    expect(await locateRepository(ws)).toEqual({ kind: 'inside', gitDir: join(ws, '.git'), workTree: ws });
    expect(await shellExecSafe.approval({ command: 'git log -p' }, ctx)).toEqual({ kind: 'allow' });
    expect(await shellExecSafe.execute({ command: 'git log -p' }, ctx)).toMatchObject({ ok: true, output: expect.stringContaining('+inside') });
  });

  it('git run unasked is pinned to the checked repository and never looks above the workspace', async () => {
    const runner = new FakeCommandRunner();
    await shellExecSafe.execute({ command: 'git status' }, { ...ctx, runner });
    expect(runner.calls.at(-1)!.env).toMatchObject({ GIT_CEILING_DIRECTORIES: root });
    expect(runner.calls.at(-1)!.env).not.toHaveProperty('GIT_DIR');
    repoWith(ws, 'a.txt', 'inside\n');
    await shellExecSafe.execute({ command: 'git status' }, { ...ctx, runner });
    expect(runner.calls.at(-1)!.env).toMatchObject({ GIT_CEILING_DIRECTORIES: root, GIT_DIR: join(ws, '.git'), GIT_WORK_TREE: ws });
  });
});
