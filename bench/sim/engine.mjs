/**
 * The simulated local model's compute: slots with prompt-prefix caches and a step scheduler that
 * runs in real time, like llama-server's update loop.
 *
 * Slots. Each slot remembers the tokens it last processed (prompt + generated). A request takes the
 * free slot that shares the longest common prefix with its prompt (tie: the least recently used,
 * then the lowest number); when none is free it waits in a FIFO queue. Only the uncached suffix is
 * prefilled, at least one token (the last prompt token is always evaluated, as in llama.cpp), and
 * `cached` = the reused prefix. A request that ends or is abandoned frees its slot at once; the
 * slot's cache keeps what was processed so far.
 *
 * Steps. Work happens in steps, one batch each, like llama.cpp's `update_slots`:
 *   - every generating slot gets one token; the step's decode part takes
 *     (1 + 0.1 × (generating slots − 1)) / genTps seconds (batched decoding, a little dearer per sequence);
 *   - prefilling slots share a batch of at most 512 prompt tokens (water-filling: equal shares,
 *     what a short prompt leaves goes to the others), which takes tokens / prefillTps seconds;
 *   - both parts of the same step add up.
 * A prompt whose prefill ends in a step starts generating in the next one, so the first token
 * costs the prefill plus one decode step. A request joins the first step that starts after it
 * arrived; steps follow each other without gaps while there is work, and start at the arrival of
 * the next request when there is none. Times are virtual (a late timer delays the tokens' delivery
 * but not the schedule), so the schedule is deterministic given the arrival times.
 */
import { commonPrefix } from './tokens.mjs';

export const BATCH_TOKENS = 512;
export const EXTRA_PER_SEQUENCE = 0.1;

/** performance.now() and setTimeout: the engine in real time. */
export const realClock = {
  now: () => performance.now(),
  wake: (fn, at) => void setTimeout(fn, Math.max(0, at - performance.now())),
};

/** Splits a batch between prefilling slots: equal shares, what a short prompt leaves goes to the others. */
export function shareBatch(remaining, budget) {
  const out = remaining.map(() => 0);
  const order = remaining.map((_, i) => i).sort((a, b) => remaining[a] - remaining[b] || a - b);
  let left = budget;
  order.forEach((i, k) => {
    const take = Math.min(remaining[i], Math.max(1, Math.floor(left / (order.length - k))));
    out[i] = take;
    left -= take;
  });
  return out;
}

export class SimEngine {
  /**
   * @param {{prefillTps: number, genTps: number, slots?: number, batchTokens?: number, clock?: {now(): number, wake(fn: () => void, at: number): void}}} options
   */
  constructor({ prefillTps, genTps, slots = 2, batchTokens = BATCH_TOKENS, clock = realClock }) {
    this.speed = { prefillTps, genTps };
    this.batchTokens = batchTokens;
    this.clock = clock;
    this.slots = Array.from({ length: slots }, (_, id) => ({ id, tokens: [], job: null, lastUsed: 0 }));
    this.queue = [];
    this.step = null;
    this.planning = false;
    this.lastEnd = -Infinity;
    this.useCounter = 0;
    this.nextId = 1;
  }

  /** New speeds apply from the next step. */
  configure({ prefillTps, genTps }) {
    this.speed = { prefillTps: prefillTps ?? this.speed.prefillTps, genTps: genTps ?? this.speed.genTps };
  }

  /** The slots' caches, to start several measurements from the same server state (engine idle). */
  snapshot() {
    if (this.step || this.planning || this.queue.length) throw new Error('snapshot of a busy engine');
    return { slots: this.slots.map((s) => ({ tokens: [...s.tokens], lastUsed: s.lastUsed })), useCounter: this.useCounter };
  }

  restore(snapshot) {
    if (this.step || this.queue.length || this.slots.some((s) => s.job)) throw new Error('restore into a busy engine');
    snapshot.slots.forEach((saved, i) => Object.assign(this.slots[i], { tokens: [...saved.tokens], lastUsed: saved.lastUsed }));
    this.useCounter = snapshot.useCounter;
  }

  /** Forgets every idle slot's cache, as a restarted server would. */
  clearCaches() {
    for (const slot of this.slots) if (!slot.job) slot.tokens = [];
  }

  /**
   * Queues a request. `prompt` and `reply` are token arrays; `maxTokens` cuts the reply
   * (finish reason 'length'). onToken(text, index) per generated token, onDone(finishReason) once.
   */
  submit({ prompt, reply, maxTokens, onToken = () => {}, onDone = () => {} }) {
    const now = this.clock.now();
    const limit = Number.isInteger(maxTokens) && maxTokens >= 0 ? Math.min(reply.length, maxTokens) : reply.length;
    const job = {
      id: this.nextId++,
      prompt,
      reply,
      limit,
      onToken,
      onDone,
      state: 'queued',
      slot: null,
      slotId: null,
      cached: 0,
      processed: 0,
      generated: 0,
      arrival: now,
      ready: now,
      prefillEnd: null,
      firstToken: null,
      end: null,
      finishReason: null,
    };
    if (!this.#assign(job, now)) this.queue.push(job);
    this.#kick();
    return job;
  }

  /** The client went away: the slot is free at once and keeps what it processed. */
  abort(job) {
    if (job.state === 'done' || job.state === 'aborted') return;
    const now = this.clock.now();
    if (job.state === 'queued') this.queue.splice(this.queue.indexOf(job), 1);
    else this.#release(job);
    job.state = 'aborted';
    job.end = now;
    this.#admit(now);
    this.#kick();
  }

  /** The free slot sharing the longest prefix with the prompt; tie: least recently used, then lowest id. */
  pickSlot(prompt) {
    let best = null;
    let bestShared = -1;
    for (const slot of this.slots) {
      if (slot.job) continue;
      const shared = commonPrefix(slot.tokens, prompt);
      if (shared > bestShared || (shared === bestShared && slot.lastUsed < best.lastUsed)) {
        best = slot;
        bestShared = shared;
      }
    }
    return best ? { slot: best, shared: bestShared } : null;
  }

  #assign(job, now) {
    const pick = this.pickSlot(job.prompt);
    if (!pick) return false;
    const { slot, shared } = pick;
    const cached = Math.min(shared, Math.max(0, job.prompt.length - 1));
    slot.tokens.length = cached;
    slot.job = job;
    slot.lastUsed = ++this.useCounter;
    Object.assign(job, { slot, slotId: slot.id, cached, processed: cached, state: 'prefill', ready: now });
    return true;
  }

  #release(job) {
    const { slot } = job;
    slot.job = null;
    slot.lastUsed = ++this.useCounter;
    job.slot = null;
  }

  #admit(now) {
    while (this.queue.length && this.#assign(this.queue[0], now)) this.queue.shift();
  }

  /** An idle engine plans its next step on the next turn of the clock, so requests that arrive together start together. */
  #kick() {
    if (this.step || this.planning) return;
    this.planning = true;
    this.clock.wake(() => {
      this.planning = false;
      if (this.step) return;
      this.step = this.#plan(this.lastEnd);
      if (this.step) this.clock.wake(() => this.#run(), this.step.end);
    }, this.clock.now());
  }

  /** The next step at or after `after`: who takes part and how long it lasts. */
  #plan(after) {
    const running = this.slots.map((s) => s.job).filter((j) => j !== null);
    if (!running.length) return null;
    // A step starts when the previous one ended, but never before the request it serves arrived.
    let t0 = after;
    if (!running.some((j) => j.ready <= t0)) t0 = Math.min(...running.map((j) => j.ready));
    const eligible = running.filter((j) => j.ready <= t0);
    const decoders = eligible.filter((j) => j.state === 'decode');
    const prefillers = eligible.filter((j) => j.state === 'prefill');
    const chunks = shareBatch(prefillers.map((j) => j.prompt.length - j.processed), this.batchTokens);
    const prefillTokens = chunks.reduce((a, b) => a + b, 0);
    const { prefillTps, genTps } = this.speed;
    const seconds = prefillTokens / prefillTps + (decoders.length ? (1 + EXTRA_PER_SEQUENCE * (decoders.length - 1)) / genTps : 0);
    return { t0, end: t0 + seconds * 1000, decoders, prefillers, chunks };
  }

  /** Applies every step that is due by now, then waits for the next one. */
  #run() {
    const now = this.clock.now();
    while (this.step && this.step.end <= now) {
      const step = this.step;
      this.#apply(step);
      this.lastEnd = step.end;
      this.step = this.#plan(step.end);
    }
    if (this.step) this.clock.wake(() => this.#run(), this.step.end);
  }

  #apply(step) {
    step.prefillers.forEach((job, i) => {
      if (job.state !== 'prefill') return; // abandoned during the step
      job.slot.tokens.push(...job.prompt.slice(job.processed, job.processed + step.chunks[i]));
      job.processed += step.chunks[i];
      if (job.processed < job.prompt.length) return;
      job.prefillEnd = step.end;
      if (job.limit === 0) this.#finish(job, step.end);
      else job.state = 'decode';
    });
    for (const job of step.decoders) {
      if (job.state !== 'decode') continue;
      const index = job.generated++;
      const token = job.reply[index];
      job.slot.tokens.push(token);
      job.firstToken ??= step.end;
      job.onToken(token, index);
      if (job.generated >= job.limit) this.#finish(job, step.end);
    }
  }

  #finish(job, at) {
    this.#release(job);
    job.state = 'done';
    job.end = at;
    job.finishReason = job.limit < job.reply.length ? 'length' : 'stop';
    job.onDone(job.finishReason);
    this.#admit(at);
  }
}
