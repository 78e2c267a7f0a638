import type { CommandRunner, CommandSpec } from './command-runner.js';

/**
 * A repository's own `.git/config` can make read-only git commands run programs: `core.fsmonitor`
 * on `git status`, clean filters and diff drivers on `git diff`, a pager, hooks, signature
 * programs. A downloaded project can carry such a config, so git commands that run without asking
 * get these settings on top of every config file, through GIT_CONFIG_COUNT (git >= 2.31; older
 * git ignores it, and the `--no-ext-diff --no-textconv` flags below still apply).
 */
const FIXED_CONFIG: Array<[string, string]> = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['protocol.ext.allow', 'never'],
  ['log.showSignature', 'false'],
  ['gpg.program', 'gpg'],
  ['gpg.openpgp.program', 'gpg'],
  ['gpg.x509.program', 'gpgsm'],
  ['gpg.ssh.program', 'ssh-keygen'],
  // Submodules have configs of their own that the probe below does not read.
  ['diff.ignoreSubmodules', 'all'],
  ['status.submoduleSummary', 'false'],
  ['submodule.recurse', 'false'],
];

/**
 * Settings whose names depend on the repository (filter and diff drivers come from
 * .gitattributes), found by asking git itself. Set to empty, each one stops git running the
 * program: filters are skipped, and a diff that needs an external driver fails instead.
 */
const DRIVER_KEYS = '^(diff\\.external|filter\\..*\\.(clean|smudge|process)|diff\\..*\\.(command|textconv))$';
/** Config the user wrote (`~/.gitconfig`, `/etc/gitconfig`) is theirs; only the repository's own is distrusted. */
const TRUSTED_SCOPES = new Set(['global', 'system', 'command']);
/** Subcommands that can show diffs, where `--no-ext-diff --no-textconv` apply. */
const DIFFING = new Set(['diff', 'log', 'show']);

export function usesGit(commands: string[][]): boolean {
  return commands.some((argv) => argv[0] === 'git');
}

/** Environment for git: fixed settings plus `extraKeys` emptied, no pager, no prompts, no index writes. */
export function gitEnv(extraKeys: string[] = []): Record<string, string> {
  const pairs: Array<[string, string]> = [...FIXED_CONFIG, ...extraKeys.map((k): [string, string] => [k, ''])];
  const env: Record<string, string> = {
    GIT_CONFIG_COUNT: String(pairs.length),
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_TERMINAL_PROMPT: '0',
    // `git status` would otherwise refresh and rewrite the index (running post-index-change hooks).
    GIT_OPTIONAL_LOCKS: '0',
  };
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** For a git argv: `--no-ext-diff --no-textconv` right after diff/log/show, so no diff driver runs. */
export function hardenGitArgv(argv: string[]): string[] {
  if (argv[0] !== 'git') return argv;
  let i = 1;
  while (argv[i]?.startsWith('-')) i++;
  if (!DIFFING.has(argv[i] ?? '')) return argv;
  return [...argv.slice(0, i + 1), '--no-ext-diff', '--no-textconv', ...argv.slice(i + 1)];
}

export type DriverProbe = { keys: string[] } | { error: string };

/**
 * Asks git which driver settings the repository around `cwd` defines itself. Reading config runs
 * nothing, and it runs with the fixed settings already on. A failure to read is reported, so the
 * caller can refuse rather than run git with settings it could not see.
 */
export async function probeRepoDrivers(runner: CommandRunner, cwd: string, baseEnv: NodeJS.ProcessEnv, signal: AbortSignal): Promise<DriverProbe> {
  const spec: CommandSpec = { kind: 'argv', argv: ['git', 'config', '--show-scope', '--null', '--get-regexp', DRIVER_KEYS] };
  const result = await runner.run({ spec, cwd, env: { ...baseEnv, ...gitEnv() }, timeoutMs: 10_000, maxOutputBytes: 256 * 1024, signal });
  // 1: no such settings. Not started: git is missing, so the command itself cannot run either.
  if (result.exitCode === 1 || (result.exitCode === null && !result.signal && !result.timedOut && !result.aborted)) return { keys: [] };
  if (result.exitCode !== 0 || result.truncated) return { error: result.stderr.trim() || `git config ended with ${result.exitCode ?? result.signal ?? 'no exit code'}` };
  // --null output: scope NUL key LF value NUL, repeated.
  const fields = result.stdout.split('\0');
  const keys = new Set<string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const key = fields[i + 1]!.split('\n')[0]!;
    if (!TRUSTED_SCOPES.has(fields[i]!)) keys.add(key);
  }
  return { keys: [...keys] };
}
