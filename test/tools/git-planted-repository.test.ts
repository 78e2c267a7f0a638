import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import fc from 'fast-check';
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

/** A layout a downloaded project (or the folders around the workspace) might have. */
const layouts = fc.record({
  parentRepo: fc.boolean(),
  dotGit: fc.constantFrom('none', 'dir', 'file-outside', 'file-inside', 'file-through-link', 'symlink-outside', 'symlink-inside', 'empty-dir'),
  commondir: fc.constantFrom('none', 'outside', 'inside'),
  worktree: fc.constantFrom('none', 'outside', 'workspace', 'through-link'),
});

/** Builds the layout under a fresh root; returns the workspace. */
function plant(layout: { parentRepo: boolean; dotGit: string; commondir: string; worktree: string }): string {
  const base = realpathSync(tempDir());
  const out = join(base, 'outside');
  repoWith(out, 'secret.txt', 'OUTSIDE-SECRET\n');
  const parent = join(base, 'parent');
  if (layout.parentRepo) repoWith(parent, 'p.txt', 'parent\n');
  else mkdirSync(parent);
  const w = join(parent, 'ws');
  mkdirSync(w);
  symlinkSync(join(out, '.git', 'refs'), join(w, 'link'));
  const inner = join(w, 'inner');
  repoWith(inner, 'a.txt', 'inside\n');
  const innerGit = join(inner, '.git');
  switch (layout.dotGit) {
    case 'dir': renameSync(innerGit, join(w, '.git')); break;
    case 'file-outside': writeFileSync(join(w, '.git'), `gitdir: ${join(out, '.git')}\n`); break;
    case 'file-inside': writeFileSync(join(w, '.git'), 'gitdir: inner/.git\n'); break;
    case 'file-through-link': writeFileSync(join(w, '.git'), 'gitdir: link/..\n'); break;
    case 'symlink-outside': symlinkSync(join(out, '.git'), join(w, '.git')); break;
    case 'symlink-inside': symlinkSync(innerGit, join(w, '.git')); break;
    case 'empty-dir': mkdirSync(join(w, '.git')); break;
  }
  const gitDirs = [join(w, '.git'), innerGit].filter((d) => existsSync(join(d, 'HEAD')));
  for (const d of gitDirs) {
    if (layout.commondir === 'outside') writeFileSync(join(d, 'commondir'), join(out, '.git'));
    if (layout.commondir === 'inside') writeFileSync(join(d, 'commondir'), '.');
    const where = { none: undefined, outside: out, workspace: w, 'through-link': 'link/../..' }[layout.worktree as 'none'];
    if (where !== undefined) appendFileSync(join(d, 'config'), `[core]\n\tworktree = ${where}\n`);
  }
  return w;
}

describe('a planted repository: generated layouts agree with git’s own view', () => {
  it('whenever git may run unasked, git itself finds its repository, common folder and work tree inside the workspace', { timeout: 300_000 }, async () => {
    let allowed = 0;
    await fc.assert(
      fc.asyncProperty(layouts, async (layout) => {
        const w = plant(layout);
        const place = await locateRepository(w);
        if (place.kind === 'outside') return;
        allowed++;
        // git's view, unpinned: what it would use if ducklm had not pinned it.
        const seen = spawnSync('git', ['rev-parse', '--absolute-git-dir', '--git-common-dir', '--show-toplevel'], { cwd: w, env: { ...childEnv(), GIT_CONFIG_NOSYSTEM: '1' }, encoding: 'utf8' });
        if (seen.status !== 0) {
          expect(place.kind === 'none' || /not a git repository|work tree|toplevel|core\.worktree/i.test(seen.stderr), `${JSON.stringify(layout)}: ${seen.stderr}`).toBe(true);
          return;
        }
        for (const path of seen.stdout.trim().split('\n')) {
          const real = realpathSync(isAbsolute(path) ? path : join(w, path));
          expect(real === w || real.startsWith(`${w}/`), `${JSON.stringify(layout)}: git uses ${real}`).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
    expect(allowed).toBeGreaterThan(5);
  });
});
