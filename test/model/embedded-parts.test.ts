// The embedded engine's pure parts: schema translation, the sequence pool, the stream bridge.
import { describe, expect, it } from 'vitest';
import { buildTinyGguf } from '../../scripts/make-tiny-gguf.mjs';
import { toGrammarSchema } from '../../src/model/embedded/grammar-schema.js';
import { SequencePool } from '../../src/model/embedded/sequence-pool.js';
import { streamFromCallbacks } from '../../src/model/embedded/stream-bridge.js';
import { actionFormat } from '../../src/model/role-replies.js';

const ANY = { oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }] };

describe('toGrammarSchema', () => {
  it('translates the action directive schema zod writes: answer now, or tool calls', () => {
    expect(toGrammarSchema(actionFormat(['file_read', 'list_dir']).schema)).toEqual({
      oneOf: [
        { type: 'object', properties: { answer_now: { const: true } }, additionalProperties: false },
        {
          type: 'object',
          properties: {
            actions: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                properties: {
                  tool: { enum: ['file_read', 'list_dir'] },
                  // z.record(z.string(), z.unknown()): any keys, any values (not "null only").
                  args: { type: 'object', additionalProperties: true },
                  reason: { type: 'string' },
                },
                additionalProperties: false,
              },
            },
            risk_level: { enum: ['none', 'low', 'medium', 'high'] },
            final: { type: 'boolean' },
          },
          additionalProperties: false,
        },
      ],
    });
  });

  it('reads anyOf, type lists, $ref to definitions, allOf and empty schemas', () => {
    expect(toGrammarSchema({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    expect(toGrammarSchema({ type: ['string', 'null'] })).toEqual({ type: ['string', 'null'] });
    expect(toGrammarSchema({ type: ['array', 'null'], items: { type: 'integer' } })).toEqual({ oneOf: [{ type: 'array', items: { type: 'integer' } }, { type: 'null' }] });
    expect(toGrammarSchema({ $ref: '#/definitions/x', definitions: { x: { type: 'boolean' } } })).toEqual({ $ref: '#/$defs/x', $defs: { x: { type: 'boolean' } } });
    expect(toGrammarSchema({ allOf: [{ properties: { a: { type: 'string' } } }, { properties: { b: { type: 'number' } } }] })).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' } },
      additionalProperties: false,
    });
    expect(toGrammarSchema({})).toEqual(ANY);
    expect(toGrammarSchema({ description: 'anything' })).toEqual(ANY);
  });

  it('keeps the bounds a grammar can enforce and drops the ones it cannot', () => {
    expect(toGrammarSchema({ type: 'string', minLength: 2, maxLength: 5, pattern: '^a' })).toEqual({ type: 'string', minLength: 2, maxLength: 5 });
    expect(toGrammarSchema({ type: 'string', format: 'date' })).toEqual({ type: 'string', format: 'date' });
    expect(toGrammarSchema({ type: 'string', format: 'email' })).toEqual({ type: 'string' });
    expect(toGrammarSchema({ type: 'number', minimum: 0, maximum: 1 })).toEqual({ type: 'number' });
    expect(toGrammarSchema({ type: 'array', items: {}, minItems: 1, maxItems: 3 })).toEqual({ type: 'array', minItems: 1, maxItems: 3 });
  });
});

describe('SequencePool', () => {
  const pool = (size: number) => {
    let next = 0;
    const destroyed: number[] = [];
    return { pool: new SequencePool(size, () => next++, (n) => destroyed.push(n)), destroyed };
  };

  it('creates up to its size, then queues requests in order', async () => {
    const { pool: p } = pool(2);
    const [a, b] = [await p.acquire(), await p.acquire()];
    const order: number[] = [];
    const third = p.acquire().then((n) => order.push(n));
    const fourth = p.acquire().then((n) => order.push(n));
    p.release(b);
    p.release(a);
    await Promise.all([third, fourth]);
    expect(order).toEqual([b, a]);
    expect(p.busy).toBe(2);
  });

  it('hands out the most recently released sequence first', async () => {
    const { pool: p } = pool(3);
    const [a, b] = [await p.acquire(), await p.acquire()];
    p.release(a);
    p.release(b);
    expect(await p.acquire()).toBe(b);
  });

  it('lets a waiting request give up on abort', async () => {
    const { pool: p } = pool(1);
    const held = await p.acquire();
    const reason = new Error('gave up');
    const controller = new AbortController();
    const waiting = p.acquire(controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    p.release(held);
    expect(await p.acquire()).toBe(held);
  });

  it('replaces a discarded sequence and fails waiters on close', async () => {
    const { pool: p, destroyed } = pool(1);
    const first = await p.acquire();
    const waiting = p.acquire();
    p.discard(first);
    const second = await waiting;
    expect(destroyed).toEqual([first]);
    expect(second).not.toBe(first);
    const late = p.acquire();
    const closed = new Error('closed');
    p.close(closed);
    await expect(late).rejects.toBe(closed);
    p.release(second);
    expect(destroyed).toEqual([first, second]);
  });
});

describe('streamFromCallbacks', () => {
  it('yields pushed items in order and rethrows the job error after them', async () => {
    const stream = streamFromCallbacks<number>(undefined, async (push) => {
      push(1);
      await new Promise((r) => setTimeout(r, 5));
      push(2);
      throw new Error('boom');
    });
    const seen: number[] = [];
    await expect((async () => { for await (const n of stream) seen.push(n); })()).rejects.toThrow('boom');
    expect(seen).toEqual([1, 2]);
  });

  it('aborts the job when the reader stops early, and waits for it to end', async () => {
    let jobSignal: AbortSignal | undefined;
    let ended = false;
    const stream = streamFromCallbacks<number>(undefined, async (push, signal) => {
      jobSignal = signal;
      push(1);
      await new Promise((r) => signal.addEventListener('abort', r));
      ended = true;
    });
    for await (const n of stream) if (n === 1) break;
    expect(jobSignal?.aborted).toBe(true);
    expect(ended).toBe(true);
  });

  it('throws the caller abort reason even when the job ends quietly', async () => {
    const controller = new AbortController();
    const reason = new Error('caller stop');
    const stream = streamFromCallbacks<number>(controller.signal, async (push, signal) => {
      push(1);
      await new Promise((r) => signal.addEventListener('abort', r));
    });
    await expect((async () => { for await (const n of stream) if (n === 1) controller.abort(reason); })()).rejects.toBe(reason);
  });
});

describe('make-tiny-gguf', () => {
  it('writes the same small GGUF v3 file every time', () => {
    const bytes = buildTinyGguf();
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(bytes.readUInt32LE(4)).toBe(3);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    expect(buildTinyGguf().equals(bytes)).toBe(true);
  });
});
