import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import { BASH_SCRIPT, type CommandRunner, type RunCommandRequest, type RunCommandResult } from './command-runner.js';

/** setTimeout fires at once for anything longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const ENV_ALLOWLIST = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'TERM', 'TZ', 'SHELL', 'TMPDIR']);

/** Only what a command needs to behave normally, so API keys and tokens never reach it. */
export function childEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && (ENV_ALLOWLIST.has(key) || key.startsWith('LC_'))) env[key] = value;
  }
  // An empty or relative PATH entry means "look in the current folder": the workspace could then
  // supply its own `ls` to a command that was judged read-only by name.
  if (env.PATH !== undefined) env.PATH = env.PATH.split(':').filter((dir) => isAbsolute(dir)).join(':');
  return env;
}

export interface SpawnCommandRunnerOptions {
  /** Time between SIGTERM and SIGKILL for the command's process group. */
  killGraceMs?: number;
  /** After the command exits, how long to wait for background processes to close its output. */
  drainMs?: number;
}

export class SpawnCommandRunner implements CommandRunner {
  private readonly killGraceMs: number;
  private readonly drainMs: number;

  constructor(options: SpawnCommandRunnerOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? 1000;
    this.drainMs = options.drainMs ?? 250;
  }

  run(request: RunCommandRequest): Promise<RunCommandResult> {
    const started = performance.now();
    const [file, ...args] = request.spec.kind === 'argv' ? request.spec.argv : [...BASH_SCRIPT, request.spec.script];
    const failed = (stderr: string, aborted = false): RunCommandResult => ({
      exitCode: null,
      signal: null,
      stdout: '',
      stderr,
      timedOut: false,
      aborted,
      truncated: false,
      durationMs: performance.now() - started,
    });
    if (file === undefined || file === '') return Promise.resolve(failed('empty command'));
    if (request.signal?.aborted) return Promise.resolve(failed('cancelled before it started', true));

    let child: ChildProcess;
    try {
      // detached: the command leads its own process group, so everything it starts can be killed with it.
      child = spawn(file, args, { cwd: request.cwd, env: request.env, detached: true, stdio: 'pipe', windowsHide: true });
    } catch (error) {
      return Promise.resolve(failed(`could not start ${file}: ${(error as Error).message}`));
    }

    return new Promise((resolve) => {
      const stdout = new CappedBuffer(request.maxOutputBytes);
      const stderr = new CappedBuffer(request.maxOutputBytes);
      let timedOut = false;
      let aborted = false;
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      let drainTimer: NodeJS.Timeout | undefined;
      const pid = child.pid;

      const killGroup = () => {
        if (pid === undefined || killTimer) return;
        signalGroup(pid, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), this.killGraceMs);
        killTimer.unref();
      };
      const timeout = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, Math.min(request.timeoutMs, MAX_TIMER_MS));
      const onAbort = () => {
        aborted = true;
        killGroup();
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });

      const finish = (result: Omit<RunCommandResult, 'durationMs' | 'timedOut' | 'aborted'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        clearTimeout(drainTimer);
        request.signal?.removeEventListener('abort', onAbort);
        // Left running only if something in the group ignored SIGTERM; otherwise never signal a group id that may be reused.
        if (killTimer && (pid === undefined || !groupAlive(pid))) clearTimeout(killTimer);
        resolve({ ...result, timedOut, aborted, durationMs: performance.now() - started });
      };
      const collected = () => ({
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.truncated || stderr.truncated,
      });

      collect(child.stdout, stdout);
      collect(child.stderr, stderr);
      child.stdin?.on('error', () => {});
      if (request.input !== undefined) child.stdin?.end(request.input);
      else child.stdin?.end();

      child.on('error', (error: NodeJS.ErrnoException) => {
        if (pid !== undefined) return;
        finish({ exitCode: null, signal: null, stdout: '', stderr: startError(file, request.cwd, error), truncated: false });
      });
      child.on('exit', (code, signal) => {
        // Background processes can hold stdout open long after the command is done; stop waiting for them.
        drainTimer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish({ exitCode: code, signal, ...collected() });
        }, this.drainMs);
      });
      child.on('close', (code, signal) => finish({ exitCode: code, signal, ...collected() }));
    });
  }
}

function collect(stream: Readable | null, into: CappedBuffer): void {
  stream?.on('data', (chunk: Buffer) => into.push(chunk));
  stream?.on('error', () => {});
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startError(file: string, cwd: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT' && !existsSync(cwd)) return `working directory not found: ${cwd}`;
  if (error.code === 'ENOENT') return `command not found: ${file}`;
  if (error.code === 'EACCES') return `permission denied: ${file}`;
  return `could not start ${file}: ${error.message}`;
}

/** Keeps the first `limit` bytes of a stream and notes whether more came. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    const bytes = Buffer.concat(this.chunks);
    return bytes.subarray(0, this.truncated ? completeUtf8Length(bytes) : bytes.length).toString('utf8');
  }
}

/** Length of `bytes` without a multi-byte character cut off at the end. */
function completeUtf8Length(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
