// Types for engine.mjs, so the TypeScript test (test/bench/sim.test.ts) can import it.
export interface SimClock {
  now(): number;
  wake(fn: () => void, at: number): void;
}
export interface SimSlot {
  id: number;
  tokens: string[];
  job: SimJob | null;
  lastUsed: number;
}
export interface SimJob {
  id: number;
  state: 'queued' | 'prefill' | 'decode' | 'done' | 'aborted';
  slotId: number | null;
  cached: number;
  processed: number;
  generated: number;
  arrival: number;
  ready: number;
  prefillEnd: number | null;
  firstToken: number | null;
  end: number | null;
  finishReason: 'stop' | 'length' | null;
}
export interface SimSnapshot {
  slots: { tokens: string[]; lastUsed: number }[];
  useCounter: number;
}
export declare const BATCH_TOKENS: number;
export declare const EXTRA_PER_SEQUENCE: number;
export declare const realClock: SimClock;
export declare function shareBatch(remaining: number[], budget: number): number[];
export declare class SimEngine {
  constructor(options: { prefillTps: number; genTps: number; slots?: number; batchTokens?: number; clock?: SimClock });
  slots: SimSlot[];
  queue: SimJob[];
  configure(speed: { prefillTps?: number; genTps?: number }): void;
  snapshot(): SimSnapshot;
  restore(snapshot: SimSnapshot): void;
  clearCaches(): void;
  submit(request: { prompt: string[]; reply: string[]; maxTokens?: number; onToken?: (token: string, index: number) => void; onDone?: (reason: 'stop' | 'length') => void }): SimJob;
  abort(job: SimJob): void;
  pickSlot(prompt: string[]): { slot: SimSlot; shared: number } | null;
}
