import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterThisTest } from './temp-dir.js';

/** The built CLI: `npm test` builds before vitest runs. */
export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ducklm.js');

export function assertBuilt(): void {
  if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first (npm test does)');
}

/**
 * Runs `ducklm <args>` to completion with only the given environment (plus PATH). Standard input
 * is empty (not a terminal) unless `input` is given; `cwd` is the working folder.
 */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string; input?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], cwd: options.cwd });
  child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * Starts `ducklm serve --port 0 <args>` and resolves once it has printed its listening line and
 * its sign-in link. The process is stopped after the test, or earlier with `stop()`.
 */
export async function startServe(args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string } = {}): Promise<{ url: string; lines: string[]; stop(signal?: NodeJS.Signals): Promise<void> }> {
  // Never the machine's own model servers: a test says where to look (DUCK_DISCOVER) if it wants discovery.
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env: { PATH: process.env.PATH, DUCK_DISCOVER: 'off', ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
  const exit = once(child, 'exit');
  /** SIGTERM shuts down in order; SIGKILL is a crash. */
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exit;
    }
  };
  afterThisTest(() => stop());
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  const reading = (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      if (line.startsWith('open ')) return;
    }
    throw new Error('stdout closed');
  })();
  await Promise.race([
    reading,
    exit.then(() => {
      throw new Error(`ducklm serve exited early: ${stderr}`);
    }),
  ]);
  const match = /^ducklm listening on (http:\/\/\S+)$/.exec(lines[0] ?? '');
  if (!match) throw new Error(`unexpected first line: ${lines[0]}`);
  return { url: match[1]!, lines, stop };
}
