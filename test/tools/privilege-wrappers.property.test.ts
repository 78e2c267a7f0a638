import { realpathSync } from 'node:fs';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/tools/shell/classify-command.js';
import { shellExecSafe } from '../../src/tools/shell-exec-safe.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Class 8 of issue 12: sudo behind a wrapper. Wherever a program that runs commands as root
 * hides (behind `env`, `nice`, `timeout`... with their own options, nested, quoted, by path),
 * the command is privileged: it asks, it needs the password, and it never becomes a rule.
 */

let ctx: ToolContext;
beforeEach(() => {
  const ws = realpathSync(tempDir());
  ctx = { workspace: ws, signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 64 * 1024 } };
});

async function expectPrivileged(command: string): Promise<void> {
  expect(classifyCommand(command), command).toMatchObject({ sudo: true, knownSafe: false, riskLevel: 'high', actionType: 'privileged' });
  expect(await shellExecSafe.approval({ command }, ctx), command).toMatchObject({ kind: 'ask', needsPassword: true });
  expect(await shellExecSafe.ruleTarget!({ command }, ctx), command).toBeNull();
}

describe('issue 12, class 8: the examples', () => {
  it.each([
    'env sudo apt update',
    'command sudo ls',
    'exec sudo ls',
    'nice sudo ls',
    'nohup sudo ls',
    'timeout 5 sudo ls',
    'stdbuf -oL sudo ls',
    'time sudo ls',
    'setsid sudo ls',
    '\\sudo ls',
  ])('%s is privileged', async (command) => {
    await expectPrivileged(command);
  });

  it.each(['/usr/bin/sudo ls', 'doas ls', 'pkexec ls', "su -c 'rm -rf /var/x'", 'su', 'run0 ls', "s'u'do ls", 's\\udo ls', 'env -i PATH=/usr/bin /usr/bin/doas ls', "bash -c 'sudo ls'", 'find . -exec sudo rm {} +', 'echo x | xargs -0 sudo rm', 'ls $(sudo id)'])(
    '%s is privileged',
    async (command) => {
      await expectPrivileged(command);
    },
  );

  it.each(["echo 'sudo ls' | bash", "bash <<<'sudo ls'", "printf 'sudo\\0ls' | xargs -0 -I{} {}", 'cat cmd.txt | sh && echo sudo'])('%s (sudo fed to a program runner as text) is privileged', async (command) => {
    await expectPrivileged(command);
  });

  it('runs a wrapped sudo line whole, under sudo with the password, after approval', async () => {
    const runner = new FakeCommandRunner();
    await shellExecSafe.execute({ command: 'env sudo apt update' }, { ...ctx, runner, password: 'pw' });
    expect(runner.calls[0]).toMatchObject({ spec: { kind: 'argv', argv: ['sudo', '-S', '-k', '-p', '', 'bash', '--norc', '--noprofile', '-c', 'env sudo apt update'] }, input: 'pw\n' });
  });

  it('does not ask for a password where sudo is only a word read, not a program run', () => {
    for (const command of ['find . -name sudo', 'echo sudo', 'grep sudo README.md', 'man sudo', 'git log --grep=sudo', 'command -v sudo', 'which sudo']) {
      expect(classifyCommand(command).sudo, command).toBe(false);
    }
  });

  it('treats a line it cannot parse that mentions sudo as privileged', async () => {
    await expectPrivileged('env sudo echo "unterminated');
  });
});

/** Wrappers with option spellings of their own, each ready to put in front of a command. */
const WRAPPERS: string[][] = [
  ['env'],
  ['env', '-i'],
  ['env', '-u', 'HOME'],
  ['env', 'FOO=bar'],
  ['env', '--'],
  ['/usr/bin/env', '-C', '/tmp'],
  ['command'],
  ['command', '-p'],
  ['exec'],
  ['exec', '-a', 'name'],
  ['exec', '-c'],
  ['nice'],
  ['nice', '-n', '5'],
  ['nice', '-5'],
  ['nice', '--adjustment=3'],
  ['nohup'],
  ['timeout', '5'],
  ['timeout', '-s', 'KILL', '5s'],
  ['timeout', '--foreground', '-k', '1', '10'],
  ['stdbuf', '-oL'],
  ['stdbuf', '-i', '0', '-e0'],
  ['time'],
  ['time', '-p'],
  ['/usr/bin/time', '-f', '%e'],
  ['setsid'],
  ['setsid', '-f', '-w'],
  ['xargs', '-0'],
  ['ionice', '-c', '3'],
  ['chrt', '-f', '1'],
  ['taskset', '0x1'],
  ['builtin'],
  ['eval'],
  ['\\nice'],
  ["'timeout'", '3'],
];
const PRIVILEGE: string[][] = [
  ['sudo'],
  ['sudo', '-u', 'root'],
  ['sudo', '-E'],
  ['/usr/bin/sudo'],
  ['/bin/sudo'],
  ['\\sudo'],
  ["'sudo'"],
  ['"sudo"'],
  ['s\\udo'],
  ['su"do"'],
  ['doas'],
  ['/usr/bin/doas', '-u', 'root'],
  ['pkexec'],
  ['pkexec', '--user', 'root'],
  ['run0'],
  ['sudoedit'],
];
const INNER = [['ls'], ['apt', 'update'], ['cat', '/etc/shadow'], ['rm', '-rf', '/x'], ['id']];

const wrappedSudo = fc
  .record({
    chain: fc.array(fc.constantFrom(...WRAPPERS), { minLength: 1, maxLength: 4 }),
    privilege: fc.constantFrom(...PRIVILEGE),
    inner: fc.constantFrom(...INNER),
    around: fc.constantFrom('%', 'ls && %', '% | wc -l', 'echo hi; %', '% 2>/dev/null', '>/dev/null %', '(%)', 'echo $(%)'),
    viaShell: fc.boolean(),
  })
  .map(({ chain, privilege, inner, around, viaShell }) => {
    const core = [...privilege, ...inner].join(' ');
    const wrapped = [...chain.flat(), ...(viaShell ? ['sh', '-c', `'${core.replaceAll("'", '')}'`] : [core])].join(' ');
    return around.replace('%', wrapped);
  });

describe('issue 12, class 8: generated wrapper chains', () => {
  it('are always privileged: password, never a rule, never known-safe', async () => {
    await fc.assert(
      fc.asyncProperty(wrappedSudo, async (command) => {
        await expectPrivileged(command);
      }),
      { numRuns: 400 },
    );
  });

  it('su -c behind any wrapper is privileged too', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...WRAPPERS), { minLength: 1, maxLength: 3 }), async (chain) => {
        await expectPrivileged(`${chain.flat().join(' ')} su -c 'id'`);
      }),
      { numRuns: 100 },
    );
  });
});
