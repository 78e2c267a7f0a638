/**
 * `ducklm models pull` and `models local` as a person and a script run them: the built CLI as a
 * child process (plain progress lines) and in a real terminal (a redrawn bar, Ctrl-C, resume).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTinyGguf } from '../../scripts/make-tiny-gguf.mjs';
import { assertBuilt, BIN, runCli } from '../support/cli-process.js';
import { startGgufServer } from '../support/gguf-server.js';
import { tempDir } from '../support/temp-dir.js';
import { startInTmux } from '../support/tmux.js';

beforeAll(assertBuilt);

const tiny = buildTinyGguf();
const CHUNK = 5 * 1024 * 1024;

describe('ducklm models pull', () => {
  it('downloads with plain progress lines when not on a terminal, then lists the model', async () => {
    const server = await startGgufServer({ '/tiny.gguf': { body: tiny } });
    const dir = tempDir();
    const env = { DUCK_DATA_DIR: dir };
    const r = await runCli(['models', 'pull', server.url('/tiny.gguf')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('downloaded 100%');
    expect(r.stderr).not.toContain('\x1b[');
    const path = join(dir, 'models', 'tiny.gguf');
    expect(r.stdout).toContain(`Pulled tiny.gguf (435 KB) into ${path}.`);
    expect(r.stdout).toContain(`DUCK_MODEL_PATH=${path}`);
    expect(readFileSync(path).equals(tiny)).toBe(true);

    const list = await runCli(['models', 'local'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/tiny\.gguf\s+435 KB\s+ready/);
    const json = await runCli(['models', 'list', '--local', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ models: [{ name: 'tiny.gguf', size: tiny.length, complete: true }], partial: [] });
  }, 60_000);

  it('--help prints the usage and exits 0; a missing file is one clear line and exit 1', async () => {
    const dir = tempDir();
    for (const args of [['models', 'pull', '--help'], ['models', '--help']]) {
      const help = await runCli(args, { DUCK_DATA_DIR: dir });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('ducklm models pull <URL');
    }
    const server = await startGgufServer();
    const missing = await runCli(['models', 'pull', server.url('/nothing.gguf')], { DUCK_DATA_DIR: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('The server has no such file (HTTP 404)');
    expect(missing.stderr).not.toContain('    at ');
    const bad = await runCli(['models', 'pull', 'file:///etc/passwd'], { DUCK_DATA_DIR: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Only http(s) URLs and hf: URIs');
  }, 60_000);

  it('shows a bar on a terminal; Ctrl-C stops cleanly and the same command resumes with Range', async () => {
    const big = buildTinyGguf({ embeddingLength: 512, feedForwardLength: 1024, blockCount: 2, headCount: 8 });
    const server = await startGgufServer({ '/big.gguf': { body: big } });
    const dir = tempDir();
    const hold = server.holdFrom(CHUNK);
    const term = await startInTmux([process.execPath, BIN, 'models', 'pull', server.url('/big.gguf')], { env: { DUCK_DATA_DIR: dir, PATH: process.env.PATH ?? '', TERM: 'xterm-256color' } });
    await term.waitFor(/\d+%\s+[\d.]+ MB \/ 19 MB/, { timeout: 30_000 });
    // The first chunk is whole and recorded (ipull writes its record after the file's last byte).
    const record = join(dir, 'models', '.partial', 'big.gguf.ipull');
    await vi.waitFor(() => expect(existsSync(record) && statSync(record).size > big.length).toBe(true), { timeout: 30_000, interval: 20 });
    await term.sendKeys('C-c');
    await term.waitFor('Stopped. Run the same command again to resume the download.', { timeout: 20_000 });
    expect(await term.waitForExit({ timeout: 20_000 })).toBe(130);
    hold.release();

    const seen = server.requests.length;
    const again = await runCli(['models', 'pull', server.url('/big.gguf')], { DUCK_DATA_DIR: dir });
    expect(again.code, again.stderr).toBe(0);
    const ranges = server.requests.slice(seen).filter((r) => r.method === 'GET' && r.range);
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.every((r) => Number(/^bytes=(\d+)-/.exec(r.range!)![1]) >= CHUNK)).toBe(true);
    // The first line already counts the kept chunk.
    expect(again.stderr).toMatch(/downloaded\s+(2[7-9]|[3-9]\d|100)%/);
    expect(readFileSync(join(dir, 'models', 'big.gguf')).equals(big)).toBe(true);
  }, 120_000);
});
