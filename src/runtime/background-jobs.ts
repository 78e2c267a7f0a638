/** Work that outlives a stream (memory policy, reflection); `idle()` waits for all of it. */
export class BackgroundJobs {
  private readonly running = new Set<Promise<void>>();

  run(job: () => Promise<void>): void {
    const promise = job().finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
