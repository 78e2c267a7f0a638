// The Settings view's model downloads over HTTP: a real app on port 0 pulling from a local server.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildTinyGguf } from '../../scripts/make-tiny-gguf.mjs';
import { FakeModelClient } from '../support/fake-model-client.js';
import { startGgufServer } from '../support/gguf-server.js';
import { startTestApp } from '../support/test-app.js';

const tiny = buildTinyGguf();
const CHUNK = 5 * 1024 * 1024;

describe('model pull routes', () => {
  it('a pull answers 202 with an id, streams progress to done, and the model is listed', async () => {
    const files = await startGgufServer({ '/tiny.gguf': { body: tiny } });
    const t = await startTestApp({ model: new FakeModelClient() });

    const started = await t.post('/v1/models/pull', { source: files.url('/tiny.gguf') });
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ id: expect.any(String), state: 'running', source: files.url('/tiny.gguf') });

    const stream = await t.follow(`/v1/models/pulls/${started.json.id}/stream`);
    expect(stream.status).toBe(200);
    const done = await stream.waitFor('done');
    expect(done.data).toMatchObject({ state: 'done', downloaded_bytes: tiny.length, total_bytes: tiny.length, model: { name: 'tiny.gguf', size: tiny.length, complete: true }, error: null });
    expect(stream.seen[0]!.event).toMatch(/^(progress|done)$/);
    expect(await stream.rest()).toBeDefined();

    const status = await t.get(`/v1/models/pulls/${started.json.id}`);
    expect(status.json.state).toBe('done');
    const local = await t.get('/v1/models/local');
    expect(local.status).toBe(200);
    expect(local.json.models).toEqual([expect.objectContaining({ name: 'tiny.gguf', size: tiny.length, complete: true })]);
    expect(local.json.partial).toEqual([]);
    expect(readFileSync(local.json.models[0].path).equals(tiny)).toBe(true);
  });

  it('the same source pulled twice at once is a 409; DELETE cancels and keeps the partial for a resume', async () => {
    // Larger than ipull's 5 MiB chunks: it writes whole chunks, so the first one is what a resume keeps.
    const big = buildTinyGguf({ embeddingLength: 512, feedForwardLength: 1024, blockCount: 2, headCount: 8 });
    const files = await startGgufServer({ '/big.gguf': { body: big } });
    const hold = files.holdFrom(CHUNK);
    const t = await startTestApp({ model: new FakeModelClient() });

    const first = await t.post('/v1/models/pull', { source: files.url('/big.gguf') });
    expect(first.status).toBe(202);
    const again = await t.post('/v1/models/pull', { source: ` ${files.url('/big.gguf')}` });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('conflict');

    // Cancelled once the first chunk is on disk with ipull's resume record after the file's last byte.
    const progress = await t.follow(`/v1/models/pulls/${first.json.id}/stream`);
    const record = join(t.dir, 'models', '.partial', 'big.gguf.ipull');
    await vi.waitFor(() => expect(existsSync(record) && statSync(record).size > big.length).toBe(true), { timeout: 30_000, interval: 20 });
    const cancelled = await t.delete(`/v1/models/pulls/${first.json.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ state: 'cancelled', error: { code: 'cancelled' } });
    expect((await progress.waitFor('cancelled')).data.state).toBe('cancelled');
    expect((await t.delete(`/v1/models/pulls/${first.json.id}`)).status).toBe(409);
    hold.release();
    const local = (await t.get('/v1/models/local')).json;
    expect(local.models).toEqual([]);
    expect(local.partial).toEqual([expect.objectContaining({ name: 'big.gguf', complete: false })]);

    // Once it has ended, the same source may be pulled again.
    const retry = await t.post('/v1/models/pull', { source: files.url('/big.gguf') });
    expect(retry.status).toBe(202);
    const stream = await t.follow(`/v1/models/pulls/${retry.json.id}/stream`);
    expect((await stream.waitFor('done')).data.state).toBe('done');
  }, 60_000);

  it('a failed download is a failed pull with its reason, and the server goes on', async () => {
    const files = await startGgufServer({ '/not-a-model.gguf': { body: Buffer.from('<html>sign in</html>') } });
    const t = await startTestApp({ model: new FakeModelClient() });

    const missing = await t.post('/v1/models/pull', { source: files.url('/missing.gguf') });
    expect(missing.status).toBe(202);
    const failed = await (await t.follow(`/v1/models/pulls/${missing.json.id}/stream`)).waitFor('failed');
    expect(failed.data).toMatchObject({ state: 'failed', error: { code: 'upstream_not_found' } });

    const html = await t.post('/v1/models/pull', { source: files.url('/not-a-model.gguf') });
    const refused = await (await t.follow(`/v1/models/pulls/${html.json.id}/stream`)).waitFor('failed');
    expect(refused.data).toMatchObject({ state: 'failed', error: { code: 'not_gguf' } });

    expect((await t.get('/v1/health')).status).toBe(200);
    const list = await t.get('/v1/models/pulls');
    expect(list.json.pulls.map((p: { state: string }) => p.state)).toEqual(['failed', 'failed']);
  });

  it('unknown pulls are 404, bad sources and bodies 422, a body that is not an object 400', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    expect((await t.get('/v1/models/pulls/nope')).status).toBe(404);
    expect((await t.delete('/v1/models/pulls/nope')).status).toBe(404);
    expect((await t.get('/v1/models/pulls/nope/stream')).status).toBe(404);

    for (const source of ['file:///etc/passwd', 'ftp://example.com/a.gguf', 'not a url', 'hf:owner', 'https://example.com/a.gguf#frag']) {
      const response = await t.post('/v1/models/pull', { source });
      expect(response.status, source).toBe(422);
      expect(response.json.error.code).toBe('unprocessable');
    }
    expect((await t.post('/v1/models/pull', {})).status).toBe(422);
    expect((await t.post('/v1/models/pull', { source: 'https://example.com/a.gguf', sha256: 'abc' })).status).toBe(422);
    expect((await t.post('/v1/models/pull', { source: 'https://example.com/a.gguf', extra: 1 })).status).toBe(422);
    expect((await t.post('/v1/models/pull', [1])).status).toBe(400);
    expect((await t.get('/v1/models/pulls')).json.pulls).toEqual([]);
  });
});
