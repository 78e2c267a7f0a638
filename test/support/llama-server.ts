/**
 * A real llama.cpp llama-server for integration tests, on a random-weight GGUF the repo's own
 * script writes. It comes from ../shared/llama-server/ beside the repository, or
 * DUCK_TEST_LLAMA_SERVER (a llama-server binary; chat templates from DUCK_TEST_LLAMA_TEMPLATES
 * or its folder's templates/). Without one, the tests that need it are skipped with a note.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { writeTinyGguf, type TinyGgufOptions } from '../../scripts/make-tiny-gguf.mjs';

const REPO = resolve(import.meta.dirname, '..', '..');
export const LLAMA_SERVER_BINARY = process.env.DUCK_TEST_LLAMA_SERVER ?? resolve(REPO, '..', 'shared', 'llama-server', 'llama-server');
const TEMPLATES = process.env.DUCK_TEST_LLAMA_TEMPLATES ?? join(dirname(LLAMA_SERVER_BINARY), 'templates');
/** Qwen3.5's template ends the prompt with `<think>\n` unless `enable_thinking` is false. */
export const THINKING_TEMPLATE = join(TEMPLATES, 'Qwen3.5-4B.jinja');
export const LLAMA_SERVER_AVAILABLE = existsSync(LLAMA_SERVER_BINARY) && existsSync(THINKING_TEMPLATE);

/** Says once per test file why its llama-server tests are skipped. */
export function noteIfSkipped(): void {
  if (LLAMA_SERVER_AVAILABLE) return;
  console.warn(
    `llama-server tests skipped: no ${existsSync(LLAMA_SERVER_BINARY) ? `chat template ${THINKING_TEMPLATE}` : `llama-server at ${LLAMA_SERVER_BINARY}`}. ` +
      'Set DUCK_TEST_LLAMA_SERVER to a llama-server binary (templates from DUCK_TEST_LLAMA_TEMPLATES, or templates/ beside it).',
  );
}

/** Two busy cores on CI: starting and answering may be slow, never this slow. */
export const STARTUP_DEADLINE_MS = 90_000;

/** A port that was free a moment ago: bound to port 0, then released. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface LlamaServer {
  /** `http://127.0.0.1:PORT`, without `/v1`. */
  root: string;
  /** The tail of its output, to explain a failure. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * llama-server on a fresh random-weight model and a free port, once GET /health answers 200 (503
 * while the model loads), polled up to a generous deadline; fails at once if the process dies.
 */
export async function startLlamaServer(args: string[], shape: TinyGgufOptions): Promise<LlamaServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ducklm-llama-server-'));
  const modelPath = writeTinyGguf(join(dir, 'model.gguf'), shape);
  const port = await freePort();
  const root = `http://127.0.0.1:${port}`;
  const child = spawn(LLAMA_SERVER_BINARY, ['-m', modelPath, '--host', '127.0.0.1', '--port', String(port), '--jinja', '-c', '4096', '-t', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Read its output (an unread pipe would stall it); the tail explains a failed start.
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exit = once(child, 'exit');
  const handle: LlamaServer = {
    root,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit.catch(() => {});
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const died = exit.then(([code, signal]) => {
    throw new Error(`llama-server exited (${String(code ?? signal)}) before it was ready:\n${log}`);
  });
  died.catch(() => {}); // it also settles when stopped later, with no one waiting
  try {
    const healthy = async () => (await fetch(`${root}/health`).catch(() => null))?.status === 200;
    await Promise.race([waitUntil(healthy, 'GET /health = 200', handle, STARTUP_DEADLINE_MS), died]);
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

/** Polls a condition until it holds, up to a generous deadline; the server's log explains a failure. */
export async function waitUntil(condition: () => Promise<boolean>, what: string, of: LlamaServer, deadlineMs = 60_000): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`llama-server: no ${what} after ${deadlineMs} ms:\n${of.log()}`);
    await delay(50);
  }
}
