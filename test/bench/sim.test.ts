// The bench's simulated local model (bench/sim/): slot choice, cache accounting and the step clock.
import { describe, expect, it } from 'vitest';
import { SimEngine, shareBatch, type SimClock } from '../../bench/sim/engine.mjs';
import { renderChatML, tokenize } from '../../bench/sim/tokens.mjs';

/** A clock the test moves by hand: wake-ups run in time order as it passes them. */
function manualClock(): SimClock & { advance(ms: number): void; runAll(): void } {
  let now = 0;
  let timers: { fn: () => void; at: number }[] = [];
  const clock = {
    now: () => now,
    wake: (fn: () => void, at: number) => void timers.push({ fn, at }),
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = Math.max(now, due.at);
        due.fn();
      }
      now = until;
    },
    runAll() {
      while (timers.length) clock.advance(Math.max(0, Math.min(...timers.map((t) => t.at)) - now));
    },
  };
  return clock;
}

const prompt = (system: string, user: string) => tokenize(renderChatML([{ role: 'system', content: system }, { role: 'user', content: user }]));
const words = (n: number) => Array.from({ length: n }, (_, i) => ` w${i}`);

describe('simulated model tokens', () => {
  it('split text into pieces that join back to it, special tokens whole', () => {
    const text = renderChatML([{ role: 'user', content: 'Hello, wörld!  你好\nnext' }]);
    const tokens = tokenize(text);
    expect(tokens.join('')).toBe(text);
    expect(tokens.slice(0, 3)).toEqual(['<|im_start|>', 'user', '\n']);
    expect(tokens).toContain('你');
    expect(tokenize('Hi.<|im_end|>')).toEqual(['Hi', '.', '<|im_end|>']);
  });
});

describe('simulated model slots', () => {
  it('give a request the free slot sharing the longest prefix, and count only that prefix as cached', () => {
    const clock = manualClock();
    const engine = new SimEngine({ prefillTps: 1000, genTps: 100, slots: 2, clock });
    const a = engine.submit({ prompt: prompt('You are ducklm.', 'hello'), reply: ['Hi'] });
    const b = engine.submit({ prompt: prompt('Something else entirely.', 'hi'), reply: ['Yo'] });
    clock.runAll();
    expect([a.slotId, b.slotId]).toEqual([0, 1]);

    const c = engine.submit({ prompt: prompt('You are ducklm.', 'What is my name?'), reply: ['Vladimir'] });
    expect(c.slotId).toBe(0);
    // <|im_start|> system \n You ·are ·ducklm . <|im_end|> \n <|im_start|> user \n: 12 shared tokens
    expect(c.cached).toBe(12);
    clock.runAll();
    expect(c.finishReason).toBe('stop');
  });

  it('break ties by the least recently used slot, and prefill at least one token of a fully cached prompt', () => {
    const clock = manualClock();
    const engine = new SimEngine({ prefillTps: 1000, genTps: 100, slots: 2, clock });
    const p = tokenize(renderChatML([{ role: 'user', content: 'hello' }]));
    engine.submit({ prompt: p, reply: ['Hi'] });
    clock.runAll();
    // Slot 0 was just used; a prompt sharing nothing with either goes to slot 1.
    const other = engine.submit({ prompt: ['x', 'y'], reply: ['z'] });
    expect(other.slotId).toBe(1);
    clock.runAll();
    const again = engine.submit({ prompt: p, reply: ['Hi'] });
    expect(again.slotId).toBe(0);
    expect(again.cached).toBe(p.length - 1);
  });

  it('queue a request when every slot is busy, and free a slot at once when its client hangs up', () => {
    const clock = manualClock();
    const engine = new SimEngine({ prefillTps: 1000, genTps: 10, slots: 1, clock });
    const first = engine.submit({ prompt: words(20), reply: words(50) });
    const second = engine.submit({ prompt: words(10), reply: ['done'] });
    expect(second.state).toBe('queued');
    clock.advance(20 + 100 * 3 + 1); // prefill 20 tokens, then three decode steps
    expect(first.generated).toBe(3);
    engine.abort(first);
    expect(second.state).toBe('prefill');
    // The aborted slot kept its 20 prompt tokens and 3 generated ones; the second prompt shares 10.
    expect(second.cached).toBe(9);
    expect(engine.slots[0]!.tokens.length).toBe(9);
  });

  it('time the first token as the prefill plus one decode step, and cut a reply at max_tokens', () => {
    const clock = manualClock();
    const engine = new SimEngine({ prefillTps: 1000, genTps: 20, slots: 2, clock });
    const tokens: number[] = [];
    const job = engine.submit({ prompt: words(100), reply: words(10), maxTokens: 4, onToken: () => tokens.push(clock.now()) });
    clock.runAll();
    expect(job.firstToken).toBeCloseTo(100 + 50);
    expect(tokens).toEqual([150, 200, 250, 300].map((t) => expect.closeTo(t, 6)));
    expect(job.finishReason).toBe('length');
    expect(job.generated).toBe(4);
  });

  it('share compute: two prompts prefill together and decode in batched, slightly dearer steps', () => {
    expect(shareBatch([100, 700], 512)).toEqual([100, 412]);
    const clock = manualClock();
    const engine = new SimEngine({ prefillTps: 1000, genTps: 10, slots: 2, clock });
    const a = engine.submit({ prompt: words(100), reply: words(2) });
    const b = engine.submit({ prompt: words(100).map((w) => `${w}b`), reply: words(2) });
    clock.runAll();
    // One step prefills both (200 ms), then two decode steps for two sequences at 110 ms each.
    expect(a.firstToken).toBeCloseTo(200 + 110);
    expect(b.end).toBeCloseTo(200 + 220);
  });
});
