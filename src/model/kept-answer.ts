/**
 * A question to the server whose answer is kept while it stays good (`keepFor`), then asked
 * again; at most one asking at a time. `current()` never waits: a turn uses what is known now,
 * and the answer arrives for the turns after it.
 */
export class KeptAnswer<T> {
  private answer: { value: T; until: number } | null = null;
  private asking: Promise<T> | null = null;

  /** `ask` must not reject: a failure is an answer too (one kept for less time). */
  constructor(
    private readonly ask: () => Promise<T>,
    private readonly keepFor: (value: T) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The answer known now (perhaps stale), or undefined; asks in the background when it is missing or stale. */
  current(): T | undefined {
    if (!this.fresh()) void this.refresh();
    return this.answer?.value;
  }

  /** The answer, asking (or joining the asking under way) when none is fresh. */
  settled(): Promise<T> {
    return this.fresh() ? Promise.resolve(this.answer!.value) : this.refresh();
  }

  /** Using the answer failed: ask again once `ms` have passed, not before. */
  expireWithin(ms: number): void {
    if (this.answer) this.answer.until = Math.min(this.answer.until, this.now() + ms);
  }

  private fresh(): boolean {
    return this.answer !== null && this.now() < this.answer.until;
  }

  private refresh(): Promise<T> {
    this.asking ??= this.ask()
      .then((value) => {
        this.answer = { value, until: this.now() + this.keepFor(value) };
        return value;
      })
      .finally(() => {
        this.asking = null;
      });
    return this.asking;
  }
}
