/**
 * The task log's promise, for any interleaving of deltas, other events, turns of the event loop
 * and followers joining: a follower resuming after any event id gets exactly what came after it,
 * though the store merges deltas into runs.
 */
import fc from 'fast-check';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/events/task-event.js';
import { TaskLog, type LoggedEvent } from '../../src/runtime/task-log.js';
import { Store } from '../../src/store/store.js';

type Op = { kind: 'delta'; type: 'content_delta' | 'reasoning_delta'; text: string } | { kind: 'event' } | { kind: 'tick' } | { kind: 'join' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('delta' as const), type: fc.constantFrom('content_delta' as const, 'reasoning_delta' as const), text: fc.string({ unit: 'grapheme', maxLength: 900 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'event' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'join' as const }) },
);

function setup() {
  const store = Store.open(':memory:');
  const conversation = store.conversations.create('/ws');
  store.tasks.create({ id: 't1', conversation_id: conversation.id, workspace: '/ws', message: 'hi', state: '{}' });
  return { store, log: new TaskLog(store) };
}

/** What a client makes of events: the text of each kind of delta, and the other events in order. */
function view(events: LoggedEvent[]) {
  const text = (type: string) => events.filter((e) => e.type === type).map((e) => String(e.payload.delta)).join('');
  return { content: text('content_delta'), reasoning: text('reasoning_delta'), others: events.filter((e) => !e.type.endsWith('_delta')).map((e) => `${e.seq}:${e.type}`) };
}

describe('the task log', () => {
  it('replays exactly the rest after any id, whatever was merged, and every follower sees the same', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        const { store, log } = setup();
        const release = log.hold('t1');
        const live: LoggedEvent[] = [];
        log.follow('t1', 0, { event: (e) => live.push(e), settled: () => {} });
        const late: LoggedEvent[][] = [];
        for (const o of ops) {
          if (o.kind === 'delta') log.append({ type: o.type, task_id: 't1', delta: o.text } as TaskEvent);
          else if (o.kind === 'event') log.append({ type: 'runtime_status', task_id: 't1', stage: 'planning' });
          else if (o.kind === 'tick') await nextTurn();
          else {
            const seen: LoggedEvent[] = [];
            late.push(seen);
            log.follow('t1', 0, { event: (e) => seen.push(e), settled: () => {} });
          }
        }
        release();
        const ids = live.map((e) => e.seq);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(ids.length);
        const whole = view(live);
        for (const after of [0, ...ids]) {
          const before = view(live.filter((e) => e.seq <= after));
          const rest = view(log.read('t1', after));
          expect(before.content + rest.content).toBe(whole.content);
          expect(before.reasoning + rest.reasoning).toBe(whole.reasoning);
          expect([...before.others, ...rest.others]).toEqual(whole.others);
        }
        // A follower that joined late got the same story as one that was there from the start.
        for (const seen of late) expect(view(seen)).toEqual(whole);
        // Sequence numbers continue after the log, as a new process would see it.
        expect(new TaskLog(store).lastSeq('t1')).toBe(ids.at(-1) ?? 0);
        store.close();
      }),
      { numRuns: 150 },
    );
  });

  it('writes a transition and its events together, or neither', () => {
    const { store, log } = setup();
    expect(() =>
      log.transact('t1', (append) => {
        append({ type: 'runtime_status', task_id: 't1', stage: 'planning' });
        store.tasks.save('t1', 'completed', '{}');
        throw new Error('a failure mid-transition');
      }),
    ).toThrow('a failure mid-transition');
    expect(store.events.list('t1')).toEqual([]);
    expect(store.tasks.get('t1')!.status).toBe('running');
    // The number that failed is given again: nobody saw it.
    expect(log.append({ type: 'runtime_status', task_id: 't1', stage: 'planning' })).toBe(1);
  });
});
