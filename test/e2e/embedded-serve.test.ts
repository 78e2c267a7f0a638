/**
 * `ducklm serve` with DUCK_MODEL_PATH: the project's own tiny GGUF, run in-process by the real
 * node-llama-cpp engine, answers a chat over HTTP. No server, nothing downloaded.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.mjs';
import { assertBuilt, startServe } from '../support/cli-process.js';
import { firstOf, postStream } from '../support/sse-client.js';
import { tempDir } from '../support/temp-dir.js';

const TOKEN = 'embedded-e2e-token-0123456789';

describe('ducklm serve with an embedded GGUF model', () => {
  it('streams an answer, and the memory policy gets grammar-valid JSON', async () => {
    assertBuilt();
    const dir = tempDir();
    const modelPath = writeTinyGguf(join(dir, 'tiny.gguf'));
    // The config file in the data folder caps each role, as a user would for a small model.
    writeFileSync(join(dir, 'ducklm.config.json'), JSON.stringify({ roles: { thinker: { maxTokens: 48 }, memory_policy: { maxTokens: 160 } } }));
    const { url } = await startServe([], {
      DUCK_MODEL_PATH: modelPath,
      DUCK_MODEL_CONTEXT: '8192', // a byte-level vocabulary: one token per byte of prompt (about 4,000 for the system text)
      DUCK_MODEL_PARALLEL: '2',
      DUCK_MODEL_GPU: 'off',
      DUCK_DB_PATH: join(dir, 'duck.sqlite3'),
      DUCK_DATA_DIR: dir,
      DUCK_API_TOKEN: TOKEN,
      HOME: dir,
    });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const health = (await (await fetch(`${url}/v1/health`, { headers: auth })).json()) as { model: { reachable: boolean; detail: string } };
    expect(health.model).toMatchObject({ reachable: true, detail: 'embedded: tiny.gguf' });

    const r = await postStream(url, '/v1/chat/stream', { message: 'hello', workspace: dir }, { headers: auth });
    expect(r.status).toBe(200);
    const done = firstOf(r, 'done') as { task_id: string; status: string; generation_stats: { model_calls: number; completion_tokens: number } };
    // Random weights decide the route at random (the planner's reply is grammar-valid either way):
    // a tool call that asks first, or an answer.
    if (done.status === 'waiting_for_approval') {
      expect(['file_read', 'list_dir', 'shell_exec_safe']).toContain(firstOf(r, 'tool_approval_requested').tool);
      return;
    }
    expect(done.status, JSON.stringify(r.events.filter((e) => e.event === 'error'))).toBe('completed');
    expect(done.generation_stats.completion_tokens).toBeGreaterThan(0);
    expect(r.events.filter((e) => e.event === 'content_delta').length).toBeGreaterThan(0);
    // The config file's bound holds for the answer (the planner's own reply has its own bound).
    const calls = (await (await fetch(`${url}/v1/tasks/${done.task_id}/events`, { headers: auth })).json()) as { event_type: string; payload: { role: string; completion_tokens: number } }[];
    const answer = calls.filter((e) => e.event_type === 'model_call' && e.payload.role === 'thinker').at(-1)!;
    expect(answer.payload.completion_tokens).toBeGreaterThan(0);
    expect(answer.payload.completion_tokens).toBeLessThanOrEqual(48);

    // The memory policy runs after `done` on the same engine, and the stream stays open for it.
    // (Its JSON is grammar-valid by construction; the random model may still pick out-of-range
    // values that zod then refuses, so either outcome shows the call ran.)
    const after = r.events.slice(r.events.findIndex((e) => e.event === 'done') + 1).map((e) => e.event);
    expect(after.some((t) => t === 'memory_policy_decision' || t === 'memory_policy_failed'), after.join(', ')).toBe(true);
  }, 150_000);
});
