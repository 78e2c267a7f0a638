/** Work that outlives a stream (memory policy, reflection); `idle()` waits for all of it. */
export class BackgroundJobs {
  private readonly running = new Set<Promise<void>>();

  run(job: () => Promise<void>): void {
    // Start on a later turn of the event loop: the caller (the end of a stream) finishes first,
    // and the job's synchronous start (memory searches) does not delay the response.
    const promise = new Promise<void>((resolve) => setImmediate(resolve))
      .then(job)
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
