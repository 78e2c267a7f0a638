import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/tools/shell/classify-command.js';
import { psCheck } from '../../src/tools/shell/ps-options.js';

const knownSafe = (args: string[]) => classifyCommand(['ps', ...args].map((a) => `'${a}'`).join(' ')).knownSafe;

describe('ps never prints environments unasked: the issue’s examples', () => {
  it.each([
    ['ps ewww12345'], // BSD `e` with a pid suffix
    ['ps -N ewww12345'], // `-N` takes no value, so `ewww…` is read as options
    ['ps auxe'],
    ['ps aux e'],
    ['ps -e -x'], // `-x` fails the first reading; the BSD re-reading sees `-e` as `e`
    ['ps -ex'],
    ['ps -e -u eve'], // an unknown user fails the first reading; `eve` is then BSD `e`,`v`,`e`
    ['ps -ef -o pid,args'], // a format with -f fails; then `-ef` is BSD `e`
    ['ps -e 12 e'], // after a pid every word is a pid: `e` fails, the re-reading shows environments
    ['ps -o environ'],
    ['ps -eo pid,nosuchfield'],
    ['ps --format=pid,env -e'],
    ['ps -e --sort=nosuch'],
  ])('%s asks', (command) => {
    expect(classifyCommand(command)).toMatchObject({ knownSafe: false });
  });

  it.each([['ps aux'], ['ps -ef'], ['ps -eF'], ['ps -aux'], ['ps -eo pid,user,%cpu,etime,args'], ['ps -p 1 -o pid,etime,cmd'], ['ps aux --sort=-%mem'], ['ps -ef --forest'], ['ps axjf'], ['ps -e -o pid,comm=NAME']])(
    '%s still runs unasked',
    (command) => expect(classifyCommand(command).knownSafe).toBe(true),
  );
});

/** Words ps reads as options, values, pids and clusters of every syntax, including the dangerous letters. */
function psWords(pid: string) {
  const letters = fc.constantFrom(...'aefuxwlHjFNAopqtUkOgsSvmcrhLTdCGyZMn');
  const cluster = fc.array(letters, { minLength: 1, maxLength: 5 }).map((a) => a.join(''));
  return fc.oneof(
    cluster,
    cluster.map((c) => `-${c}`),
    fc.tuple(cluster, fc.constantFrom(pid, '1', '12,13')).map(([c, p]) => c + p),
    fc.constantFrom(pid, `-${pid}`, `+${pid}`, 'e', '-e', '-ef', '-A', 'ax', 'aux', 'eve', 'root', '1', '-N', '-x', ''),
    fc.constantFrom('pid,args', 'pid,comm', 'args=CMD', 'pid,etime', 'environ', 'nosuch', '-pcpu', '%mem'),
    fc.constantFrom('--sort', '--sort=-pcpu', '--format', '--format=pid,args', '--pid', `--pid=${pid}`, '--forest', '--no-headers', '--cols', '--cols=300', '--user', '--deselect', '--', '--env'),
  );
}

/** The rule, written apart from the model: a bare-word cluster that reaches an `e` before any letter that takes a value. */
function bareWordE(args: string[]): boolean {
  // After a process id ps reads every word as a process id.
  const pidAt = args.findIndex((w) => /^([0-9+]|-[0-9])/.test(w));
  return args.some((w, i) => {
    if (pidAt >= 0 && i > pidAt) return false;
    const previous = args[i - 1] ?? '';
    const takenAsValue = /^-?[A-Za-z]*[CDGgOopqstUuk]$/.test(previous) || /^--(sort|format|pid|ppid|sid|user|User|group|Group|tty|cols|columns|width|rows|lines)$/.test(previous);
    return !takenAsValue && /^[A-Za-z]/.test(w) && /^[^OUkopqt0-9]*e/.test(w);
  });
}

describe('ps: generated argument lists', () => {
  it('a list with a bare-word `e` cluster is never known-safe', () => {
    fc.assert(
      fc.property(fc.array(psWords('4242'), { maxLength: 6 }), (args) => {
        if (bareWordE(args)) expect(psCheck(args), JSON.stringify(args)).not.toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it('a list with `-o`/`--format` naming an environment field is never known-safe', () => {
    fc.assert(
      fc.property(fc.array(psWords('4242'), { maxLength: 4 }), fc.constantFrom('environ', 'env', 'pid,environ', 'e'), fc.nat(4), (args, field, at) => {
        const spliced = [...args.slice(0, at), '-o', field, ...args.slice(at)];
        expect(psCheck(spliced), JSON.stringify(spliced)).not.toBeNull();
      }),
      { numRuns: 1000 },
    );
  });
});

const hasPs = spawnSync('ps', ['-p', '1'], { encoding: 'utf8' }).status === 0;

/** The real ps is the oracle: a process carrying a marker in its environment, and lists judged safe run against it. */
describe.skipIf(!hasPs)('ps: what the real ps prints for lists judged known-safe', () => {
  const marker = `DUCKLM_PS_MARKER=m${Date.now()}x`;
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', COLUMNS: '100000', DUCKLM_PS_MARKER: marker.split('=')[1]! };
  let sleeper: ChildProcess;

  beforeAll(() => {
    sleeper = spawn('sleep', ['600'], { env, stdio: 'ignore' });
  });
  afterAll(() => {
    sleeper.kill('SIGKILL');
  });

  const run = (args: string[]) => spawnSync('ps', args, { env, encoding: 'utf8', timeout: 20_000 }).stdout ?? '';

  it('the trap is armed: the examples do print the marker', () => {
    const pid = String(sleeper.pid);
    expect(run([`ewww${pid}`])).toContain(marker);
    expect(run(['-N', `ewww${pid}`])).toContain(marker);
    expect(run(['-e', '-x'])).toContain(marker);
  });

  it('no generated list judged known-safe prints another process’s environment', { timeout: 240_000 }, () => {
    const pid = String(sleeper.pid);
    let ran = 0;
    fc.assert(
      fc.property(fc.array(psWords(pid), { minLength: 1, maxLength: 5 }), (args) => {
        if (!knownSafe(args)) return;
        ran++;
        expect(run(args), JSON.stringify(args)).not.toContain(marker);
      }),
      { numRuns: 400 },
    );
    expect(ran).toBeGreaterThan(20);
  });
});

describe('the rest of the allowlist cannot show environments or read other roots', () => {
  it.each([['cat /proc/1/environ'], ['head -c 100 /proc/self/environ'], ['tail /proc/12/environ'], ['lscpu --sysroot /outside'], ['lscpu -s /outside'], ['lsblk --sysroot /outside'], ['env'], ['printenv'], ['git --no-pager -c core.pager=env log']])('%s asks', (command) => {
    expect(classifyCommand(command).knownSafe).toBe(false);
  });

  it.each([['lscpu'], ['lscpu -J'], ['lsblk -f'], ['lsblk -o NAME,SIZE /dev/sda']])('%s still runs unasked', (command) => {
    expect(classifyCommand(command).knownSafe).toBe(true);
  });
});
