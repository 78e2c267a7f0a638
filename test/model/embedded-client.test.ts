// Runs the real embedded engine (node-llama-cpp, prebuilt CPU binary) on a tiny random-weight
// GGUF that the repo's own script writes: nothing is downloaded. The model talks nonsense, so the
// tests check structure (valid JSON by grammar, deltas, usage, concurrency, abort), not wording.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.mjs';
import { ModelUnavailableError } from '../../src/errors.js';
import { EmbeddedModelClient } from '../../src/model/embedded/embedded-client.js';
import { createEmbeddedClient } from '../../src/model/embedded/lazy-embedded-client.js';
import type { ChatMessage, StreamChunk } from '../../src/model/model-client.js';
import { actionDirectiveSchema, ROLE_FORMATS } from '../../src/model/role-replies.js';

let dir: string;
let modelPath: string;
let client: EmbeddedModelClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ducklm-embedded-'));
  modelPath = writeTinyGguf(join(dir, 'tiny.gguf'));
  // One thread: the tiny model is far too small to gain from more, and spare cores keep other test files fast.
  client = await EmbeddedModelClient.open({ modelPath, gpu: false, contextSize: 1024, sequences: 2, threads: 1 });
});

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ask: ChatMessage[] = [
  { role: 'system', content: 'You are ducklm. Answer with the next action.' },
  { role: 'user', content: 'List the files in my home folder.' },
];

/**
 * The action directive schema with every open end bounded. A random model never chooses to close
 * a string or an array, so without bounds the grammar-valid reply could outrun any token budget;
 * free-form `args` values (z.unknown) become short strings for the same reason.
 */
function bounded(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(bounded);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, bounded(v)]));
  if (out.type === 'string' && out.const === undefined && out.enum === undefined) out.maxLength = 8;
  if (out.type === 'array') out.maxItems = 1;
  if (out.type === 'object' && out.properties === undefined) {
    out.additionalProperties = { type: 'string', maxLength: 4 };
    out.maxProperties = 1;
  }
  return out;
}

async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('EmbeddedModelClient on a tiny generated GGUF', () => {
  it('answers a structured role with JSON that fits the action directive schema, by grammar', async () => {
    const responseFormat = { name: 'action_directive', schema: bounded(ROLE_FORMATS.action.schema) as Record<string, unknown> };
    const reply = await client.chat('action', ask, { responseFormat, maxOutputTokens: 200, temperature: 0 });
    const parsed = JSON.parse(reply.content) as Record<string, unknown>;
    // One of the two shapes the planner may write, the deciding key first.
    expect(Object.keys(parsed)).toEqual(parsed.answer_now === true ? ['answer_now'] : ['actions', 'risk_level', 'final']);
    const directive = actionDirectiveSchema.parse(parsed);
    expect(['none', 'low', 'medium', 'high']).toContain(directive.risk_level);
    for (const action of directive.actions) expect(action).toMatchObject({ tool: expect.any(String), args: expect.any(Object), reason: expect.any(String) });
    expect(reply).toMatchObject({ role: 'action', model: 'tiny.gguf', reasoningContent: null });
    expect(reply.usage.completionTokens).toBeGreaterThan(0);
    expect(reply.usage.promptTokens).toBeGreaterThan(0);
  });

  it('a structured reply ends at its token bound, streamed or read until stopWhen, never at the context\'s end', async () => {
    // A reply the grammar cannot let end within 24 tokens (one a byte with this vocabulary).
    const long = { type: 'object', properties: { summary: { type: 'string', minLength: 64 } }, required: ['summary'], additionalProperties: false };
    const structured = { responseFormat: { name: 'long', schema: long }, reasoning: 'off' as const, maxOutputTokens: 24, temperature: 1 };
    const whole = await client.chat('action', ask, { ...structured, stopWhen: () => false });
    expect(whole).toMatchObject({ finishReason: 'length', usage: { completionTokens: 24 } });
    const chunks = await collect(client.streamChat('action', ask, structured));
    expect(chunks.slice(-2)).toEqual([{ type: 'usage', usage: expect.objectContaining({ completionTokens: 24 }) }, { type: 'finish', reason: 'length' }]);
  });

  it('a structured call without a bound of its own ends at its role\'s configured one', async () => {
    const bounded = await EmbeddedModelClient.open({ modelPath, gpu: false, contextSize: 512, sequences: 1, threads: 1, embeddings: false, roleDefaults: { memory_policy: { maxTokens: 6 } } });
    try {
      const reply = await bounded.chat('memory_policy', ask, { responseFormat: ROLE_FORMATS.memory_policy, reasoning: 'off', temperature: 1 });
      expect(reply).toMatchObject({ finishReason: 'length', usage: { completionTokens: 6 } });
    } finally {
      await bounded.close();
    }
  });

  it('evaluates with the CPU threads it is given (DUCK_MODEL_THREADS), even past the engine\'s own limit', async () => {
    expect(client.threads).toBe(1);
    // More than node-llama-cpp allows a CPU context by default (the math cores, or 4). Not used
    // to generate: that many threads on a small machine would only spin against each other.
    const threads = Math.max(os.availableParallelism(), 4) + 1;
    const other = await EmbeddedModelClient.open({ modelPath, gpu: false, contextSize: 256, sequences: 1, threads, embeddings: false });
    try {
      expect(other.threads).toBe(threads);
    } finally {
      await other.close();
    }
  });

  it('compiles every role schema the runtime sends into a grammar', async () => {
    for (const format of Object.values(ROLE_FORMATS)) {
      const reply = await client.chat('action', ask, { responseFormat: format, maxOutputTokens: 4, temperature: 0 });
      // Four tokens cannot close the object, but they must be its start, as the grammar allows.
      expect(reply.content.startsWith('{')).toBe(true);
      expect(reply.finishReason).toBe('length');
    }
  });

  it('stopWhen ends the generation with the answer so far, and the sequence serves the next request', async () => {
    // The grammar allows no end before 400 characters, so only stopWhen can end this early.
    const responseFormat = { name: 'long', schema: { type: 'object', properties: { text: { type: 'string', minLength: 400 } }, required: ['text'] } };
    const seen: string[] = [];
    const reply = await client.chat('action', ask, {
      responseFormat,
      maxOutputTokens: 2000,
      temperature: 1,
      stopWhen: (content) => {
        seen.push(content);
        return content.length >= 20;
      },
    });
    expect(reply.finishReason).toBe('stopped');
    expect(reply.content.length).toBeGreaterThanOrEqual(20);
    expect(reply.content.startsWith('{')).toBe(true);
    expect(seen.at(-1)).toBe(reply.content);
    // Tokens, not time: it stopped long before the 400 characters the grammar asks for.
    expect(reply.usage.completionTokens).toBeLessThan(100);

    const controller = new AbortController();
    const reason = new Error('user went away');
    const aborted = client.chat('action', ask, {
      responseFormat,
      maxOutputTokens: 2000,
      stopWhen: (content) => {
        if (content.length >= 5) controller.abort(reason);
        return false;
      },
      signal: controller.signal,
    });
    await expect(aborted).rejects.toBe(reason);

    // Two sequences, three requests: a sequence kept by either would make this one wait forever.
    for (let i = 0; i < 3; i++) expect((await client.chat('thinker', ask, { maxOutputTokens: 4 })).usage.completionTokens).toBeGreaterThan(0);
  });

  it('reports the prompt tokens it reused from the sequence', async () => {
    const first = await client.chat('recall', ask, { maxOutputTokens: 4, temperature: 0 });
    const second = await client.chat('recall', [...ask, { role: 'assistant', content: first.content }, { role: 'user', content: 'And then?' }], { maxOutputTokens: 4 });
    expect(second.usage.cachedPromptTokens).toBeGreaterThan((first.usage.promptTokens ?? 0) / 2);
    expect(second.usage.cachedPromptTokens).toBeLessThanOrEqual(second.usage.promptTokens ?? 0);
  });

  it('streams deltas and ends with a usage chunk, then the finish chunk', async () => {
    const chunks = await collect(client.streamChat('thinker', ask, { maxOutputTokens: 16, temperature: 1 }));
    const deltas = chunks.filter((c) => c.type === 'content_delta' || c.type === 'reasoning_delta');
    expect(deltas.length).toBeGreaterThan(0);
    const finish = chunks.at(-1);
    expect(finish?.type).toBe('finish');
    // Sixteen tokens, or fewer when the random model picks its end token.
    if (finish?.type === 'finish') expect(['length', 'stop']).toContain(finish.reason);
    const last = chunks.at(-2);
    expect(last?.type).toBe('usage');
    if (last?.type !== 'usage') return;
    expect(last.usage.completionTokens).toBeGreaterThan(0);
    expect(last.usage.completionTokens).toBeLessThanOrEqual(16);
    expect(last.usage.tokensPerSecond).toBeGreaterThan(0);
  });

  it('runs concurrent requests on separate sequences and queues the ones beyond', async () => {
    const three = [0, 1, 2].map((i) =>
      client.chat('thinker', [...ask, { role: 'user', content: `Request ${i}.` }], { maxOutputTokens: 24, temperature: 0.8, reasoning: 'off' }),
    );
    const replies = await Promise.all(three);
    for (const reply of replies) expect(reply.usage.completionTokens).toBeGreaterThan(0);
  });

  it('stops generating when the caller aborts, with the abort reason', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const stream = client.streamChat('thinker', ask, { maxOutputTokens: 100_000, temperature: 1, signal: controller.signal });
    const seen: StreamChunk[] = [];
    const reason = new Error('stop now');
    const consume = (async () => {
      for await (const chunk of stream) {
        seen.push(chunk);
        if (seen.length === 1) controller.abort(reason);
      }
    })();
    await expect(consume).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(seen.some((c) => c.type === 'usage')).toBe(false);

    await expect(client.chat('action', ask, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    // The sequences went back to the pool: a normal request still runs.
    const after = await client.chat('thinker', ask, { maxOutputTokens: 4 });
    expect(after.usage.completionTokens).toBeGreaterThan(0);
  });

  it('frees the sequence when the reader stops early', async () => {
    for (let i = 0; i < 3; i++) {
      // With two sequences, a third abandoned stream would wait forever if sequences leaked.
      for await (const chunk of client.streamChat('thinker', ask, { maxOutputTokens: 100_000, temperature: 1 })) {
        void chunk;
        break;
      }
    }
    const reply = await client.chat('thinker', ask, { maxOutputTokens: 4 });
    expect(reply.usage.completionTokens).toBeGreaterThan(0);
  });

  it('reports itself healthy without a URL', async () => {
    await expect(client.health()).resolves.toEqual({
      configured: true,
      reachable: true,
      baseUrl: null,
      detail: 'embedded: tiny.gguf',
      embedding: { model: 'embedded:tiny.gguf', origin: 'detected' },
    });
  });
});

describe('the embedded engine embeds with its own model', () => {
  it('gives one vector per text, the same for the same text, named by the model file', async () => {
    const source = client.embeddings()!;
    expect(source).toMatchObject({ embeddingModel: 'embedded:tiny.gguf', origin: 'detected' });
    const [a, b, again] = await source.embed(['The user owns a red car.', 'Deploys go to Kubernetes.', 'The user owns a red car.']);
    expect(a!.length).toBeGreaterThan(0);
    expect(a!.every(Number.isFinite)).toBe(true);
    expect(b).toHaveLength(a!.length);
    expect(again).toEqual(a);
    expect(b).not.toEqual(a);
  });

  it('embeds while chats hold every sequence, and the chats still finish', async () => {
    const streams = [0, 1].map(() => collect(client.streamChat('thinker', ask, { maxOutputTokens: 24, temperature: 1 })));
    const vectors = await client.embeddings()!.embed(['a memory', 'another memory']);
    const chunks = await Promise.all(streams);
    expect(vectors).toHaveLength(2);
    for (const c of chunks) expect(c.at(-1)?.type).toBe('finish');
  });

  it('a text longer than the embedding context is embedded by its start, not refused', async () => {
    const long = 'The user asked about the deployment of the billing service again. '.repeat(200);
    const [vector] = await client.embeddings()!.embed([long]);
    expect(vector!.length).toBeGreaterThan(0);
  });

  it('DUCK_MODEL_EMBED=off: none; and a closed model has none', async () => {
    const off = await EmbeddedModelClient.open({ modelPath, gpu: false, contextSize: 512, sequences: 1, threads: 1, embeddings: false });
    expect(off.embeddings()).toBeNull();
    expect((await off.health()).embedding).toBeNull();
    await off.close();
    const other = await EmbeddedModelClient.open({ modelPath, gpu: false, contextSize: 512, sequences: 1, threads: 1 });
    const source = other.embeddings()!;
    await source.embed(['warm']);
    await other.close();
    expect(other.embeddings()).toBeNull();
    await expect(source.embed(['after close'])).rejects.toThrow();
  });
});

describe('EmbeddedModelClient.open errors', () => {
  it('names the path when the file is missing', async () => {
    const missing = join(dir, 'nope.gguf');
    const error = await EmbeddedModelClient.open({ modelPath: missing, gpu: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain(`${missing} (DUCK_MODEL_PATH) does not exist`);
  });

  it('refuses a file that is not GGUF', async () => {
    const notGguf = join(dir, 'model.bin');
    writeFileSync(notGguf, 'definitely not a model');
    await expect(EmbeddedModelClient.open({ modelPath: notGguf, gpu: false })).rejects.toThrow(new ModelUnavailableError(`The model file ${notGguf} (DUCK_MODEL_PATH) is not a GGUF file.`, null));
  });

  it('reports a GGUF the engine cannot load as unavailable', async () => {
    const truncated = join(dir, 'truncated.gguf');
    writeFileSync(truncated, Buffer.from('GGUF\x03\x00\x00\x00', 'latin1'));
    const error = await EmbeddedModelClient.open({ modelPath: truncated, gpu: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain(`Cannot load the model ${truncated}`);
  });
});

describe('createEmbeddedClient (loads on first use)', () => {
  it('reports a failed load as unreachable, and retries it on the next call', async () => {
    const later = join(dir, 'later.gguf');
    const lazy = createEmbeddedClient({ modelPath: later, gpu: false, contextSize: 512, sequences: 1, threads: 1 });
    try {
      const before = await lazy.health();
      expect(before).toMatchObject({ configured: true, reachable: false, baseUrl: null });
      expect(before.detail).toContain(`${later} (DUCK_MODEL_PATH) does not exist`);
      await expect(lazy.chat('action', ask)).rejects.toBeInstanceOf(ModelUnavailableError);

      writeTinyGguf(later);
      // Embeddings wait for the model to be loaded (by a chat or health), rather than loading it.
      expect(lazy.embeddings()).toBeNull();
      await expect(lazy.health()).resolves.toMatchObject({ reachable: true, detail: 'embedded: later.gguf' });
      expect(lazy.embeddings()?.embeddingModel).toBe('embedded:later.gguf');
      const chunks = await collect(lazy.streamChat('thinker', ask, { maxOutputTokens: 4, temperature: 1 }));
      expect(chunks.slice(-2).map((c) => c.type)).toEqual(['usage', 'finish']);
    } finally {
      await lazy.close();
    }
    await expect(lazy.chat('action', ask)).rejects.toThrow('was closed');
  });
});
