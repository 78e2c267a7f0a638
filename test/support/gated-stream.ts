import type { StreamChunk } from '../../src/model/model-client.js';

/**
 * An answer whose deltas a test lets out: `release(n)` lets n more through, `finish()` the rest.
 * The model request sees the task's abort signal, like a real one.
 */
export class GatedAnswer {
  private allowed = 0;
  private wake: (() => void) | null = null;
  aborted = false;

  constructor(readonly deltas: string[]) {}

  get text(): string {
    return this.deltas.join('');
  }

  release(n: number): void {
    this.allowed += n;
    this.wake?.();
  }

  finish(): void {
    this.release(this.deltas.length);
  }

  stream(signal: AbortSignal | undefined): AsyncIterable<StreamChunk> {
    const self = this;
    return (async function* () {
      for (const [i, delta] of self.deltas.entries()) {
        while (i >= self.allowed) {
          await new Promise<void>((resolve, reject) => {
            self.wake = resolve;
            signal?.addEventListener('abort', () => {
              self.aborted = true;
              reject(signal.reason);
            }, { once: true });
          });
        }
        yield { type: 'content_delta', delta } as StreamChunk;
      }
    })();
  }
}
