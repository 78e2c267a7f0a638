import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ducklm.js');
export const E2E_TOKEN = 'e2e-token-0123456789-abcdef';
export const e2eAuth = { authorization: `Bearer ${E2E_TOKEN}` };

/**
 * `ducklm serve` as a real process (the built bin/ducklm.js). Every server a test starts is
 * stopped after it; include this module's hooks by calling `serveProcesses()` in the test file.
 */
export function serveProcesses() {
  const children: ChildProcess[] = [];
  beforeAll(() => {
    if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first (npm test does)');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
  });

  /** Starts the server on a free port and resolves with its URL once it says it is listening. */
  async function serve(env: NodeJS.ProcessEnv): Promise<{ url: string; stderr: () => string; child: ChildProcess }> {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, DUCK_API_TOKEN: E2E_TOKEN, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout! });
    const exited = once(child, 'exit').then(() => {
      throw new Error(`ducklm serve exited early: ${stderr}`);
    });
    const listening = (async () => {
      for await (const line of lines) {
        const match = /^ducklm listening on (http:\/\/\S+)$/.exec(line);
        if (match) return match[1]!;
      }
      throw new Error('stdout closed');
    })();
    const url = await Promise.race([listening, exited]);
    exited.catch(() => undefined);
    return { url, stderr: () => stderr, child };
  }
  return serve;
}
