/**
 * Turns a callback-driven job (node-llama-cpp reports chunks through `onResponseChunk`) into an
 * async generator. The job starts on the first `next()`, like an HTTP stream would.
 *
 * The job gets its own signal: it fires when the caller's signal does (the generator then throws
 * the caller's reason) and when the consumer stops reading early (`break`, `return()`), so an
 * abandoned stream never keeps a sequence generating in the background.
 */
export async function* streamFromCallbacks<T>(
  callerSignal: AbortSignal | undefined,
  job: (push: (item: T) => void, signal: AbortSignal) => Promise<void>,
): AsyncGenerator<T> {
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

  const queue: T[] = [];
  const state: { done: boolean; failed: boolean; error: unknown } = { done: false, failed: false, error: undefined };
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const running = job((item) => {
    queue.push(item);
    notify();
  }, controller.signal).then(
    () => {
      state.done = true;
      notify();
    },
    (error: unknown) => {
      Object.assign(state, { done: true, failed: true, error });
      notify();
    },
  );

  try {
    for (;;) {
      const item = queue.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (state.done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (state.failed) throw state.error;
    // A job that stops quietly on abort must still tell the caller the stream was cut short.
    if (callerSignal?.aborted) throw callerSignal.reason;
  } finally {
    callerSignal?.removeEventListener('abort', onCallerAbort);
    if (!state.done) {
      controller.abort(new DOMException('The stream was closed by its reader.', 'AbortError'));
      await running;
    }
  }
}
