import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { gitEnv, hardenGitArgv, probeRepoDrivers } from '../../src/tools/shell/git-hardening.js';
import { childEnv, SpawnCommandRunner } from '../../src/tools/shell/spawn-command-runner.js';
import { shellExecSafe } from '../../src/tools/shell-exec-safe.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

let repo: string;
let markers: string;
let ctx: ToolContext;

function git(...args: string[]) {
  const result = spawnSync('git', args, { cwd: repo, env: childEnv(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A program that leaves `name` in the marker folder when something runs it. */
function trap(name: string): string {
  const path = join(markers, `${name}.sh`);
  writeFileSync(path, `#!/bin/sh\ntouch '${join(markers, name)}'\ncat "$@" 2>/dev/null\nexit 0\n`);
  chmodSync(path, 0o755);
  return path;
}

const ran = (name: string) => existsSync(join(markers, name));

/** A repository whose own .git/config runs a program from every hook git offers for reading. */
beforeEach(() => {
  const root = realpathSync(tempDir());
  repo = join(root, 'repo');
  markers = join(root, 'markers');
  spawnSync('mkdir', ['-p', repo, markers]);
  git('init', '-q', '.');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  git('add', 'a.txt');
  git('-c', 'user.name=duck', '-c', 'user.email=duck@example.com', 'commit', '-qm', 'init');
  writeFileSync(join(repo, '.gitattributes'), 'a.txt filter=evil diff=evil\n');
  git('config', 'core.fsmonitor', trap('fsmonitor'));
  git('config', 'filter.evil.clean', trap('clean'));
  git('config', 'diff.evil.textconv', trap('textconv'));
  git('config', 'diff.external', trap('external'));
  git('config', 'core.pager', trap('pager'));
  writeFileSync(join(repo, 'a.txt'), 'one\ntwo\n');
  ctx = { workspace: repo, signal: new AbortController().signal, runner: new SpawnCommandRunner({ killGraceMs: 300 }), plannerRisk: 'low', limits: { commandTimeoutMs: 10_000, maxOutputBytes: 64 * 1024 } };
});

async function runUnasked(command: string) {
  expect(await shellExecSafe.approval({ command }, ctx)).toEqual({ kind: 'allow' });
  return shellExecSafe.execute({ command }, ctx);
}

describe('git run without asking ignores the repository’s own programs', () => {
  it('the trap is armed: plain git runs the fsmonitor, the clean filter and the external diff', () => {
    git('status');
    git('diff');
    expect([ran('fsmonitor'), ran('clean'), ran('external')]).toEqual([true, true, true]);
  });

  it('git status does not run core.fsmonitor or the clean filter', async () => {
    const result = await runUnasked('git status');
    expect(result).toMatchObject({ ok: true, output: expect.stringContaining('a.txt') });
    expect([ran('fsmonitor'), ran('clean'), ran('pager')]).toEqual([false, false, false]);
  });

  it('git diff shows the change with git’s own diff, running no driver', async () => {
    const result = await runUnasked('git diff');
    expect(result).toMatchObject({ ok: true, output: expect.stringContaining('+two') });
    expect([ran('fsmonitor'), ran('clean'), ran('textconv'), ran('external'), ran('pager')]).toEqual([false, false, false, false, false]);
  });

  it('git log -p and git show run no textconv', async () => {
    expect(await runUnasked('git log -p -1')).toMatchObject({ ok: true, output: expect.stringContaining('+one') });
    expect(await runUnasked('git show')).toMatchObject({ ok: true });
    expect([ran('textconv'), ran('external'), ran('pager')]).toEqual([false, false, false]);
  });

  it('a compound git command (run by bash) fails closed rather than run a driver', async () => {
    await runUnasked('git status && git diff');
    expect([ran('fsmonitor'), ran('clean'), ran('textconv'), ran('external'), ran('pager')]).toEqual([false, false, false, false, false]);
  });

  it('works in a repository with no such settings', async () => {
    rmSync(join(repo, '.gitattributes'));
    for (const key of ['core.fsmonitor', 'filter.evil.clean', 'diff.evil.textconv', 'diff.external', 'core.pager']) git('config', '--unset', key);
    expect(await runUnasked('git status --short && git diff --stat')).toMatchObject({ ok: true, output: expect.stringContaining('a.txt') });
  });
});

describe('git hardening pieces', () => {
  it('adds --no-ext-diff --no-textconv after diff, log and show only', () => {
    expect(hardenGitArgv(['git', '--no-pager', 'diff', '--stat'])).toEqual(['git', '--no-pager', 'diff', '--no-ext-diff', '--no-textconv', '--stat']);
    expect(hardenGitArgv(['git', 'log', '-1'])).toEqual(['git', 'log', '--no-ext-diff', '--no-textconv', '-1']);
    expect(hardenGitArgv(['git', 'status'])).toEqual(['git', 'status']);
  });

  it('sets config through the environment, with repository drivers emptied', () => {
    const env = gitEnv(['filter.evil.clean']);
    const pairs = Array.from({ length: Number(env.GIT_CONFIG_COUNT) }, (_, i) => `${env[`GIT_CONFIG_KEY_${i}`]}=${env[`GIT_CONFIG_VALUE_${i}`]}`);
    expect(pairs).toEqual(expect.arrayContaining(['core.fsmonitor=false', 'core.hooksPath=/dev/null', 'core.pager=cat', 'protocol.ext.allow=never', 'filter.evil.clean=']));
    expect(env).toMatchObject({ GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' });
    expect(env).not.toHaveProperty('GIT_EXTERNAL_DIFF');
  });

  it('distrusts only the repository’s own config', async () => {
    const stdout = 'local\0filter.evil.clean\nx\0global\0filter.lfs.clean\ngit-lfs clean\0worktree\0diff.Evil.textconv\ny\0';
    const probe = await probeRepoDrivers(new FakeCommandRunner({ stdout }), repo, {}, ctx.signal);
    expect(probe).toEqual({ keys: ['filter.evil.clean', 'diff.Evil.textconv'] });
  });

  it('refuses to run git when the settings cannot be read', async () => {
    const runner = new FakeCommandRunner((request) => (request.spec.kind === 'argv' && request.spec.argv[1] === 'config' ? { exitCode: 128, stderr: 'fatal: bad config' } : {}));
    const result = await shellExecSafe.execute({ command: 'git status' }, { ...ctx, runner });
    expect(result).toMatchObject({ ok: false, output: expect.stringContaining('bad config'), command: { outcome: 'failed_to_start' } });
    expect(runner.calls).toHaveLength(1);
  });

  it('leaves a command a person approved as they saw it', async () => {
    const runner = new FakeCommandRunner();
    await shellExecSafe.execute({ command: 'git commit -m x' }, { ...ctx, runner });
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]!.spec).toEqual({ kind: 'argv', argv: ['git', 'commit', '-m', 'x'] });
    expect(runner.calls[0]!.env).not.toHaveProperty('GIT_CONFIG_COUNT');
  });
});
