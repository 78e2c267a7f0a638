/**
 * Drives a program in a real pseudo-terminal: a detached tmux session on its own server (a unique
 * socket name), so raw mode, Ctrl-C and what is actually on the screen are the real thing.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { vi } from 'vitest';
import { afterThisTest, tempDir } from './temp-dir.js';

const run = promisify(execFile);
export const TMUX = process.env.DUCK_TMUX ?? '/usr/bin/tmux';

export interface TmuxOptions {
  /** The program's whole environment: tmux would otherwise hand it the tmux server's. */
  env: Record<string, string>;
  cwd?: string;
  width?: number;
  height?: number;
}

export interface Terminal {
  /** Sends each argument in turn: `{ text }` is typed literally, a string is a tmux key name (Enter, C-c, C-d, BSpace). */
  sendKeys(...keys: Array<string | { text: string }>): Promise<void>;
  /** Types `text` literally, then presses Enter. */
  typeLine(text: string): Promise<void>;
  /** Everything the terminal has shown: the scrollback and the screen, wrapped lines joined; `escapes` keeps colours and attributes as escape codes. */
  screen(options?: { escapes?: boolean }): Promise<string>;
  /** Polls the screen until it shows `match`; resolves with the screen. */
  waitFor(match: string | RegExp, options?: { timeout?: number }): Promise<string>;
  /** Polls until the program has ended; resolves with its exit status (128 + the signal's number if a signal ended it). */
  waitForExit(options?: { timeout?: number }): Promise<number>;
}

/** Starts `argv` (no shell in between) in a 120×40 terminal; the session is killed after the test. */
export async function startInTmux(argv: string[], options: TmuxOptions): Promise<Terminal> {
  const socket = `ducklm-test-${process.pid}-${randomBytes(6).toString('hex')}`;
  const session = 'main';
  // The pane stays after the program ends, so that its last screen and exit status can be read.
  const config = join(tempDir(), 'tmux.conf');
  writeFileSync(config, 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 10000\n');
  // Not inside the caller's tmux, whatever TMUX says.
  const tmuxEnv = { ...process.env, TMUX: undefined, TMUX_PANE: undefined };
  const tmux = (...args: string[]) => run(TMUX, ['-L', socket, ...args], { env: tmuxEnv }).then((r) => r.stdout);
  const vars = Object.entries(options.env).map(([key, value]) => `${key}=${value}`);
  await tmux('-f', config, 'new-session', '-d', '-s', session, '-x', String(options.width ?? 120), '-y', String(options.height ?? 40), ...(options.cwd ? ['-c', options.cwd] : []), '/usr/bin/env', '-i', ...vars, ...argv);
  afterThisTest(async () => {
    const socketPath = (await tmux('display-message', '-p', '#{socket_path}').catch(() => '')).trim();
    await tmux('kill-server').catch(() => {});
    // tmux leaves its socket file behind.
    if (socketPath) rmSync(socketPath, { force: true });
  });

  const screen = ({ escapes = false } = {}) => tmux('capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-S', '-', '-t', session);
  /** The program's exit status once it has ended, else null. */
  const exitStatus = async (): Promise<number | null> => {
    const [dead, status, signal, pid] = (await tmux('display-message', '-p', '-t', session, '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}|#{pane_pid}')).trim().split('|');
    if (dead !== '1') return null;
    if (status) return Number(status);
    if (signal) return 128 + Number(signal);
    return zombieExitStatus(Number(pid));
  };

  return {
    async sendKeys(...keys) {
      for (const key of keys) await (typeof key === 'string' ? tmux('send-keys', '-t', session, key) : tmux('send-keys', '-t', session, '-l', key.text));
    },
    async typeLine(text) {
      await tmux('send-keys', '-t', session, '-l', text);
      await tmux('send-keys', '-t', session, 'Enter');
    },
    screen,
    async waitFor(match, { timeout = 10_000 } = {}) {
      return vi.waitFor(
        async () => {
          const shown = await screen();
          if (typeof match === 'string' ? !shown.includes(match) : !match.test(shown)) throw new Error(`waited for ${String(match)} on the screen, which shows:\n${shown.trimEnd()}`);
          return shown;
        },
        { timeout, interval: 50 },
      );
    },
    async waitForExit({ timeout = 10_000 } = {}) {
      return vi.waitFor(
        async () => {
          const status = await exitStatus();
          if (status === null) throw new Error(`the program is still running; the screen shows:\n${(await screen()).trimEnd()}`);
          return status;
        },
        { timeout, interval: 50 },
      );
    },
  };
}

/**
 * The pane's terminal closes a moment before tmux reaps the program, and tmux 3.3 sometimes misses
 * the SIGCHLD altogether, leaving a zombie and no status. Linux keeps a zombie's wait status in
 * /proc/<pid>/stat (field 52), so it is read from there.
 */
function zombieExitStatus(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name, which is in brackets and may hold spaces: field 3 (state) first.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] !== 'Z' || fields.length < 50) return null;
  const wait = Number(fields[49]);
  return wait & 0x7f ? 128 + (wait & 0x7f) : (wait >> 8) & 0xff;
}
