import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandSpec, RunCommandRequest } from '../../src/tools/shell/command-runner.js';
import { childEnv, SpawnCommandRunner } from '../../src/tools/shell/spawn-command-runner.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ducklm-runner-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const runner = new SpawnCommandRunner({ killGraceMs: 300 });

function request(spec: CommandSpec, extra: Partial<RunCommandRequest> = {}): RunCommandRequest {
  return { spec, cwd: dir, timeoutMs: 5000, maxOutputBytes: 64 * 1024, env: childEnv(), ...extra };
}
const argv = (...words: string[]): CommandSpec => ({ kind: 'argv', argv: words });
const script = (text: string): CommandSpec => ({ kind: 'shell', script: text });

/** A zombie still answers signal 0, so look at its state too. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function readPid(file: string): Promise<number> {
  return vi.waitFor(() => {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!pid) throw new Error('no pid yet');
    return pid;
    // A busy 2-core machine may take seconds to start a shell.
  }, { timeout: 15_000, interval: 20 });
}

describe('SpawnCommandRunner', () => {
  it('runs argv without a shell and captures stdout', async () => {
    const result = await runner.run(request(argv('echo', 'hello', '$HOME', '; ls')));
    expect(result).toMatchObject({ exitCode: 0, signal: null, stdout: 'hello $HOME ; ls\n', stderr: '', timedOut: false, aborted: false, truncated: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs a shell script in the working directory and reports stderr and the exit code', async () => {
    const result = await runner.run(request(script('pwd; echo oops >&2; exit 3')));
    expect(result).toMatchObject({ exitCode: 3, stdout: `${dir}\n`, stderr: 'oops\n' });
  });

  it('writes input to stdin once, then closes it', async () => {
    const result = await runner.run(request(argv('cat'), { input: 'secret\n' }));
    expect(result).toMatchObject({ exitCode: 0, stdout: 'secret\n', timedOut: false });
  });

  it('treats a timeout too long for a timer as no timeout at all', async () => {
    const result = await runner.run(request(argv('cat'), { input: 'x', timeoutMs: Number.MAX_SAFE_INTEGER }));
    expect(result).toMatchObject({ exitCode: 0, stdout: 'x', timedOut: false });
  });

  it('closes stdin at once when there is no input', async () => {
    const result = await runner.run(request(argv('cat')));
    expect(result).toMatchObject({ exitCode: 0, stdout: '', timedOut: false });
  });

  it('keeps at most maxOutputBytes of each stream', async () => {
    const result = await runner.run(request(script('head -c 100000 /dev/zero | tr "\\0" a; echo err >&2'), { maxOutputBytes: 1000 }));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('a'.repeat(1000));
    expect(result.stderr).toBe('err\n');
    expect(result.truncated).toBe(true);
  });

  it('does not cut a UTF-8 character in half', async () => {
    const result = await runner.run(request(argv('echo', 'ééé'), { maxOutputBytes: 3 }));
    expect(result).toMatchObject({ stdout: 'é', truncated: true });
  });

  it('kills the whole process group on timeout', { timeout: 60_000 }, async () => {
    const pidFile = join(dir, 'pid');
    // The timeout leaves the script time to start its grandchild even on a loaded machine (2 busy cores).
    const result = await runner.run(request(script(`sleep 30 & echo $! > ${pidFile}; sleep 30; wait`), { timeoutMs: 6000 }));
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: 'SIGTERM' });
    expect(result.durationMs).toBeLessThan(25_000);
    const grandchild = await readPid(pidFile);
    await vi.waitFor(() => expect(isAlive(grandchild)).toBe(false), { timeout: 10_000 });
  });

  it('follows up with SIGKILL when the group ignores SIGTERM', { timeout: 60_000 }, async () => {
    const pidFile = join(dir, 'pid');
    const result = await runner.run(request(script(`trap "" TERM; sleep 30 & echo $! > ${pidFile}; wait`), { timeoutMs: 6000 }));
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    const grandchild = await readPid(pidFile);
    await vi.waitFor(() => expect(isAlive(grandchild)).toBe(false), { timeout: 10_000 });
  });

  it('kills the whole process group when the signal aborts', async () => {
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const running = runner.run(request(script(`sleep 30 & echo $! > ${pidFile}; sleep 30; wait`), { timeoutMs: 10_000, signal: controller.signal }));
    const grandchild = await readPid(pidFile);
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null });
    await vi.waitFor(() => expect(isAlive(grandchild)).toBe(false), { timeout: 10_000 });
  });

  it('does not start a command whose signal has already aborted', async () => {
    const marker = join(dir, 'ran');
    const result = await runner.run(request(argv('touch', marker), { signal: AbortSignal.abort() }));
    expect(result).toMatchObject({ aborted: true, exitCode: null });
    expect(() => readFileSync(marker)).toThrow();
  });

  it('returns once the command exits, even if a background process keeps its output open', { timeout: 60_000 }, async () => {
    const pidFile = join(dir, 'pid');
    const result = await runner.run(request(script(`sleep 30 & echo $! > ${pidFile}; echo $!`), { timeoutMs: 25_000 }));
    // From a file, never from the output alone: \`process.kill(0)\` would kill the test runner's own group.
    const background = await readPid(pidFile);
    try {
      expect(result).toMatchObject({ exitCode: 0, timedOut: false, stdout: `${background}\n` });
      // Far below the background sleep's 30 s, with room for a loaded machine.
      expect(result.durationMs).toBeLessThan(20_000);
    } finally {
      process.kill(background, 'SIGKILL');
    }
  });

  it("runs a script without sourcing the user's ~/.bashrc (bash reads it when stdin is a socket)", async () => {
    writeFileSync(join(dir, '.bashrc'), 'echo SOURCED >&2\n');
    const result = await runner.run(request(script('echo hi'), { env: { ...childEnv(), HOME: dir }, timeoutMs: 20_000 }));
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hi\n', stderr: '' });
  });

  it('resolves with a readable message when the command does not exist', async () => {
    const result = await runner.run(request(argv('ducklm-no-such-command')));
    expect(result).toMatchObject({ exitCode: null, signal: null, stdout: '', stderr: 'command not found: ducklm-no-such-command', timedOut: false });
  });

  it('resolves with a readable message when the working directory does not exist', async () => {
    const result = await runner.run(request(argv('ls'), { cwd: join(dir, 'missing') }));
    expect(result).toMatchObject({ exitCode: null, stderr: `working directory not found: ${join(dir, 'missing')}` });
  });

  it('resolves when argv is empty', async () => {
    expect(await runner.run(request(argv()))).toMatchObject({ exitCode: null, stderr: 'empty command' });
  });
});

describe('childEnv', () => {
  const source = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/duck',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    OPENAI_API_KEY: 'sk-secret',
    DUCK_API_TOKEN: 'duck-secret',
    AWS_SECRET_ACCESS_KEY: 'aws-secret',
    LD_PRELOAD: '/tmp/evil.so',
  };

  it('keeps only the allowlisted variables', () => {
    expect(childEnv(source)).toEqual({ PATH: '/usr/bin:/bin', HOME: '/home/duck', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });
  });

  it('keeps secrets away from the command', async () => {
    const result = await runner.run(request(argv('env'), { env: childEnv({ ...source, PATH: process.env.PATH }) }));
    expect(result.stdout).toContain('HOME=/home/duck');
    expect(result.stdout).not.toContain('secret');
  });

  it('drops PATH entries that would search the working directory', () => {
    expect(childEnv({ PATH: '.:/usr/bin::bin:/bin:' }).PATH).toBe('/usr/bin:/bin');
  });

  it('reads process.env by default', () => {
    expect(childEnv().PATH).toBe(process.env.PATH);
  });
});
