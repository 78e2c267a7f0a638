import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessArgv } from '../../src/tools/shell/command-risk.js';
import { classifyCommand } from '../../src/tools/shell/classify-command.js';
import { gitEnv, hardenGitArgv } from '../../src/tools/shell/git-hardening.js';
import { pinnedRepositoryEnv } from '../../src/tools/shell/git-repository.js';
import { childEnv } from '../../src/tools/shell/spawn-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

describe('git stays read-only for every option form: the issue’s examples', () => {
  it.each([
    ['git branch --format -l NAME'], // `-l` is the format; NAME is created
    ['git branch --sort -l NAME'],
    ['git branch --contains -l NAME'],
    ['git branch --points-at -l NAME'],
    ['git branch --form=x -l NAME'], // abbreviations ask
    ['git branch --li NAME'],
    ['git branch --list --no-list NAME'],
    ['git branch -l --edit-description'],
    ['git branch --create-reflog -l x'],
    ['git branch -lf NAME'],
    ['git branch - '],
    ['git branch --end-of-options -l'],
    ['git diff -O order.txt'],
    ['git diff -Oorder.txt'],
    ['git log --outp=x.txt'],
  ])('%s asks', (command) => {
    expect(classifyCommand(command).knownSafe).toBe(false);
  });

  it.each([['git branch'], ['git branch -a -v'], ['git branch -vv'], ["git branch --list 'feat*'"], ["git branch -l --format '%(refname)' feat"], ['git branch --contains HEAD'], ["git branch --sort=-committerdate --format='%(refname:short)'"], ['git branch --show-current'], ['git log -p -1'], ['git diff --stat']])(
    '%s still runs unasked',
    (command) => expect(classifyCommand(command).knownSafe).toBe(true),
  );
});

const BRANCH_WORDS = ['--format', '-l', 'NAME', 'feature', '--contains', '--no-contains', '--sort', '--points-at', '--merged', '--no-merged', '--list', '--no-list', '--form', '--li', '-d', '-D', '-m', '-M', '-c', '-C', '-f', '--force', '--track', '-t', '-u', 'HEAD', '--', '--end-of-options', '-', '-lv', '-avl', '--color=always', '--color', 'always', '--column', '--abbrev=4', '--abbrev', '--create-reflog', '--edit-description', '--unset-upstream', '--set-upstream-to=main', '--copy', '--show-current', '-r', '-i', '--omit-empty', '%(refname)', 'refname', '--format=%(refname)', '--list=x', '-q', '--quiet', '--verbose'];
const DIFF_WORDS = ['-p', '--stat', '-1', '--oneline', '--output=out.txt', '--outp=out.txt', '--output', 'out.txt', 'HEAD', 'HEAD~1', '--', 'a.txt', '-O', '-Oorder', '--no-index', '--porcelain', '--ignored', '-u', '--format=%H', '--all', '--grep', '--follow', '--cached', '--name-only', '--find-renames', '-s', '--short', '-z', '--untracked-files=all', '--branch', '--no-renames', '--word-diff'];

/** Options that take the next word, followed by words that change meaning when taken as a value. */
const VALUE_PAIRS = fc.tuple(fc.constantFrom('--format', '--sort', '--contains', '--merged', '--points-at', '--color'), fc.constantFrom('-l', '--list', '-lv', 'NAME', 'HEAD'));
const branchTokens = fc.array(
  fc.oneof({ arbitrary: fc.constantFrom(...BRANCH_WORDS).map((w) => [w]), weight: 1 }, { arbitrary: VALUE_PAIRS, weight: 3 }, { arbitrary: fc.constantFrom(['-l'], ['--list'], ['NAME']), weight: 2 }),
  { maxLength: 4 },
);

const argLists = fc.oneof(
  branchTokens.map((tokens) => ['branch', ...tokens.flat()]),
  fc.tuple(fc.constantFrom('status', 'log', 'diff', 'show'), fc.array(fc.constantFrom(...DIFF_WORDS), { maxLength: 5 })).map(([sub, words]) => [sub, ...words]),
);

/** Every file under `dir` (the repository and its .git), by content: refs, config, index, objects, logs. */
function snapshot(dir: string, into: Record<string, string> = {}, prefix = ''): Record<string, string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const info = lstatSync(path);
    const key = `${prefix}${name}`;
    if (info.isSymbolicLink()) into[key] = `-> ${readlinkSync(path)}`;
    else if (info.isDirectory()) snapshot(path, into, `${key}/`);
    else into[key] = `${info.mode} ${createHash('sha1').update(readFileSync(path)).digest('hex')}`;
  }
  return into;
}

describe('git: generated argument lists judged known-safe change nothing', () => {
  let root: string;
  let repo: string;
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: repo, env: childEnv(), encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  };

  // Each test makes its own (temporary folders are removed after every test).
  const makeRepo = () => {
    root = realpathSync(tempDir());
    repo = join(root, 'repo');
    mkdirSync(repo);
    git('init', '-q', '-b', 'main', '.');
    const commit = (file: string, text: string) => {
      writeFileSync(join(repo, file), text);
      git('add', file);
      git('-c', 'user.name=duck', '-c', 'user.email=duck@example.com', 'commit', '-qm', file);
    };
    commit('a.txt', 'one\n');
    git('branch', 'feature');
    commit('b.txt', 'two\n');
    writeFileSync(join(repo, 'a.txt'), 'one\nchanged\n');
    writeFileSync(join(repo, 'untracked.txt'), 'new\n');
  };

  it('the trap is armed: `git branch --format -l NAME` run as is creates NAME', () => {
    makeRepo();
    const before = snapshot(repo);
    const scratch = join(root, 'scratch');
    spawnSync('cp', ['-a', repo, scratch]);
    spawnSync('git', ['branch', '--format', '-l', 'NAME'], { cwd: scratch, env: childEnv() });
    expect(snapshot(scratch)).not.toEqual(before);
    expect(readdirSync(join(scratch, '.git', 'refs', 'heads'))).toContain('NAME');
  });

  it('refs, config, index, objects and the work tree stay as they were', { timeout: 300_000 }, async () => {
    makeRepo();
    const pinned = await pinnedRepositoryEnv(repo);
    if ('problem' in pinned) throw new Error(pinned.problem);
    const env = { ...childEnv(), ...gitEnv(), ...pinned.env };
    const before = snapshot(root);
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(argLists, async (args) => {
        if (!assessArgv(['git', ...args]).safe) return;
        ran++;
        spawnSync('git', hardenGitArgv(['git', ...args]).slice(1), { cwd: repo, env, stdio: 'ignore', timeout: 30_000 });
        expect(snapshot(root), JSON.stringify(args)).toEqual(before);
      }),
      // A change stays in the repository, so shrinking would blame later lists: report the first one.
      { numRuns: 300, endOnFailure: true },
    );
    expect(ran).toBeGreaterThan(40);
  });
});
