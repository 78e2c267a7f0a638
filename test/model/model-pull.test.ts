// Pulls GGUF files from a local HTTP server with node-llama-cpp's downloader: progress, resuming
// with Range after a cut or a stop, and the checks that keep a bad file out of the models folder.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildTinyGguf } from '../../scripts/make-tiny-gguf.mjs';
import { listLocalModels, listPartialModels, modelsFolder, partialFolder } from '../../src/model/local-models.js';
import { ModelPullError } from '../../src/model/pull/pull-error.js';
import { pullModel, type PullProgress } from '../../src/model/pull/pull-model.js';
import { startGgufServer } from '../support/gguf-server.js';
import { tempDir } from '../support/temp-dir.js';

const tiny = buildTinyGguf();
// Larger than ipull's 5 MiB chunks, so that a resume has whole chunks to keep.
const big = buildTinyGguf({ embeddingLength: 512, feedForwardLength: 1024, blockCount: 2, headCount: 8 });
const CHUNK = 5 * 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function pullError(promise: Promise<unknown>): Promise<ModelPullError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelPullError);
  return error as ModelPullError;
}

function nothingLeft(dataDir: string): void {
  expect(listLocalModels(dataDir)).toEqual([]);
  expect(existsSync(partialFolder(dataDir)) ? readdirSync(partialFolder(dataDir)) : []).toEqual([]);
}

describe('pullModel', () => {
  it('a full pull reports progress up to 100% and lands a whole GGUF in the models folder', async () => {
    const server = await startGgufServer({ '/models/tiny.gguf': { body: tiny } });
    const dataDir = tempDir();
    const progress: PullProgress[] = [];
    const result = await pullModel(server.url('/models/tiny.gguf'), { dataDir, onProgress: (p) => progress.push(p) });

    expect(result.alreadyPresent).toBe(false);
    expect(result.model).toMatchObject({ name: 'tiny.gguf', path: join(modelsFolder(dataDir), 'tiny.gguf'), size: tiny.length, complete: true });
    expect(readFileSync(result.model.path).equals(tiny)).toBe(true);
    const downloading = progress.filter((p) => p.phase === 'downloading');
    expect(downloading.length).toBeGreaterThan(0);
    expect(downloading.at(-1)).toMatchObject({ downloadedBytes: tiny.length, totalBytes: tiny.length });
    expect(progress.at(-1)!.phase).toBe('verifying');
    expect(listLocalModels(dataDir).map((m) => m.name)).toEqual(['tiny.gguf']);
    expect(listPartialModels(dataDir)).toEqual([]);

    // Pulling it again downloads nothing.
    const before = server.requests.length;
    const again = await pullModel(server.url('/models/tiny.gguf'), { dataDir });
    expect(again.alreadyPresent).toBe(true);
    expect(server.requests.slice(before).some((r) => r.range)).toBe(false);
  });

  it('a connection cut in the middle of the body is resumed with a Range request and the bytes match', async () => {
    const server = await startGgufServer({ '/big.gguf': { body: big } });
    const dataDir = tempDir();
    const cut = server.cutNextRange(1024 * 1024);
    const result = await pullModel(server.url('/big.gguf'), { dataDir });
    await cut;

    const cutRequest = server.requests.find((r) => r.range && r.sent === 1024 * 1024)!;
    expect(cutRequest).toBeDefined();
    // The cut slice was asked for again from where its unfinished chunk starts, not the whole file from byte 0 by a plain GET.
    const ranged = server.requests.filter((r) => r.method === 'GET' && r.range);
    expect(ranged.filter((r) => r.range === cutRequest.range).length).toBeGreaterThanOrEqual(2);
    expect(readFileSync(result.model.path).equals(big)).toBe(true);
  }, 60_000);

  it('a stopped pull keeps its partial file and the next pull asks only for the missing ranges', async () => {
    const server = await startGgufServer({ '/big.gguf': { body: big } });
    const dataDir = tempDir();
    const hold = server.holdFrom(CHUNK);
    const stop = new AbortController();
    const first = pullModel(server.url('/big.gguf'), { dataDir, signal: stop.signal });
    // ipull writes its resume record after the file's last byte once a chunk is complete.
    const record = join(partialFolder(dataDir), 'big.gguf.ipull');
    await vi.waitFor(() => expect(existsSync(record) && statSync(record).size > big.length).toBe(true), { timeout: 30_000, interval: 20 });
    stop.abort();
    expect((await pullError(first)).code).toBe('cancelled');
    hold.release();

    expect(listLocalModels(dataDir)).toEqual([]);
    expect(listPartialModels(dataDir).map((p) => [p.name, p.complete])).toEqual([['big.gguf', false]]);

    const seen = server.requests.length;
    const progress: PullProgress[] = [];
    const result = await pullModel(server.url('/big.gguf'), { dataDir, onProgress: (p) => progress.push(p) });
    const resumed = server.requests.slice(seen).filter((r) => r.method === 'GET' && r.range);
    expect(resumed.length).toBeGreaterThan(0);
    // The first chunk was kept: every range asked for starts after it.
    expect(resumed.every((r) => Number(/^bytes=(\d+)-/.exec(r.range!)![1]) >= CHUNK)).toBe(true);
    expect(progress.find((p) => p.phase === 'downloading')!.downloadedBytes).toBeGreaterThanOrEqual(CHUNK);
    expect(readFileSync(result.model.path).equals(big)).toBe(true);
    expect(listPartialModels(dataDir)).toEqual([]);
  }, 60_000);

  it('a file that is not GGUF is refused and removed', async () => {
    const server = await startGgufServer({ '/fake.gguf': { body: randomBytes(200_000) } });
    const dataDir = tempDir();
    const error = await pullError(pullModel(server.url('/fake.gguf'), { dataDir }));
    expect(error.code).toBe('not_gguf');
    nothingLeft(dataDir);
  });

  it('a file whose sha256 differs from the one the server vouches for is refused and removed', async () => {
    const server = await startGgufServer({ '/owner/repo/resolve/main/tiny.gguf': { body: tiny, headers: { 'x-linked-etag': `"${sha256(Buffer.from('something else'))}"` } } });
    const dataDir = tempDir();
    const error = await pullError(pullModel('hf:owner/repo/tiny.gguf', { dataDir, huggingFaceEndpoint: server.base.replace('127.0.0.1', 'localhost') }));
    expect(error.code).toBe('checksum_mismatch');
    nothingLeft(dataDir);
  });

  it('a #sha256= on the URL that does not match refuses the file', async () => {
    const server = await startGgufServer({ '/tiny.gguf': { body: tiny } });
    const dataDir = tempDir();
    const error = await pullError(pullModel(`${server.url('/tiny.gguf')}#sha256=${'0'.repeat(64)}`, { dataDir }));
    expect(error.code).toBe('checksum_mismatch');
    nothingLeft(dataDir);
    const ok = await pullModel(`${server.url('/tiny.gguf')}#sha256=${sha256(tiny)}`, { dataDir });
    expect(ok.sha256).toBe(sha256(tiny));
  });

  it('a size other than the one the server announced is refused and removed', async () => {
    const server = await startGgufServer({ '/owner/repo/resolve/main/tiny.gguf': { body: tiny, headers: { 'x-linked-size': String(tiny.length + 1) } } });
    const dataDir = tempDir();
    const error = await pullError(pullModel('hf:owner/repo/tiny.gguf', { dataDir, huggingFaceEndpoint: server.base.replace('127.0.0.1', 'localhost') }));
    expect(error.code).toBe('size_mismatch');
    nothingLeft(dataDir);
  });

  it('an hf: URI downloads from the hub\'s resolve URL and is checked against its X-Linked-ETag', async () => {
    const server = await startGgufServer({ '/owner/repo-GGUF/resolve/main/tiny.gguf': { body: tiny, headers: { 'x-linked-etag': `"${sha256(tiny)}"`, 'x-linked-size': String(tiny.length) } } });
    const dataDir = tempDir();
    const result = await pullModel('hf:owner/repo-GGUF/tiny.gguf', { dataDir, huggingFaceEndpoint: server.base.replace('127.0.0.1', 'localhost') });
    expect(result.sha256).toBe(sha256(tiny));
    expect(result.model.name).toMatch(/^hf_owner_.*tiny\.gguf$/);
    expect(server.requests.some((r) => r.method === 'GET' && r.path === '/owner/repo-GGUF/resolve/main/tiny.gguf')).toBe(true);
  });

  it('a source the server does not have is a clear error', async () => {
    const server = await startGgufServer();
    const dataDir = tempDir();
    const error = await pullError(pullModel(server.url('/missing.gguf?token=secret'), { dataDir }));
    expect(error.code).toBe('upstream_not_found');
    expect(error.message).toContain('/missing.gguf');
    expect(error.message).toContain('404');
    expect(error.message).not.toContain('secret');
    nothingLeft(dataDir);
  });
});
