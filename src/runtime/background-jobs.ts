/**
 * Work that outlives a stream (memory policy, reflection); `idle()` waits for all of it.
 *
 * A job never takes the server down: whatever it throws (a full disk, a database locked by another
 * process, a bug) is caught here and reported to the server log. Jobs report their own failures
 * as task events where they can; this is the net under that, for when the database itself is what
 * failed.
 */
export class BackgroundJobs {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: (message: string) => void = (message) => process.stderr.write(`ducklm: ${message}\n`)) {}

  /** `what` names the job in the log ("memory policy of task …"). */
  run(job: () => Promise<void>, what = 'background job'): void {
    // Start on a later turn of the event loop: the caller (the end of a stream) finishes first,
    // and the job's synchronous start (memory searches) does not delay the response.
    const promise = new Promise<void>((resolve) => setImmediate(resolve))
      .then(job)
      .catch((error: unknown) => {
        try {
          this.log(`${what} failed: ${errorSummary(error)}`);
        } catch {
          // Not even the log: nothing else to tell, and the server must stay up.
        }
      })
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

export function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
