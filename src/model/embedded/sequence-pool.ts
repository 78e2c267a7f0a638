/**
 * Hands out a context's sequences, one per request. A context has a fixed number of sequences
 * (each is a slot of KV cache); when all are busy, later requests wait their turn in order.
 *
 * Sequences are kept, not disposed, between requests: node-llama-cpp reuses the longest prefix a
 * sequence already holds, so the action loop, which re-sends the same system prompt and a growing
 * history, skips most prompt processing. The most recently released sequence is handed out first,
 * since it most likely holds the conversation that continues.
 */
export class SequencePool<T> {
  private readonly free: T[] = [];
  private readonly waiters: Array<{ resolve: (item: T) => void; reject: (reason: unknown) => void }> = [];
  private created = 0;
  private closedReason: unknown = null;

  constructor(
    private readonly size: number,
    private readonly create: () => T,
    private readonly destroy: (item: T) => void,
  ) {}

  async acquire(signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.closedReason) throw this.closedReason;
    const item = this.free.pop();
    if (item !== undefined) return item;
    if (this.created < this.size) {
      this.created++;
      return this.create();
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter = {
        resolve: (value: T) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (reason: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Returns a sequence after a request; the next waiter gets it at once. */
  release(item: T): void {
    if (this.closedReason) return this.destroy(item);
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(item);
    else this.free.push(item);
  }

  /** Drops a sequence whose state can no longer be trusted (a failed evaluation); a fresh one takes its place. */
  discard(item: T): void {
    this.destroy(item);
    this.created--;
    const waiter = this.waiters.shift();
    if (!waiter) return;
    this.created++;
    try {
      waiter.resolve(this.create());
    } catch (error) {
      this.created--;
      waiter.reject(error);
    }
  }

  /** Fails every waiting request with `reason`; sequences still in use are destroyed when released. */
  close(reason: unknown): void {
    this.closedReason = reason;
    for (const waiter of this.waiters.splice(0)) waiter.reject(reason);
    for (const item of this.free.splice(0)) this.destroy(item);
  }

  get busy(): number {
    return this.created - this.free.length;
  }
}
