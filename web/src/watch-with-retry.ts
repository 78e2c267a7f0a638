import { ApiError } from './api.js';

/**
 * Keeps a server stream open until `signal` aborts: reconnects after a drop with a growing
 * delay (reset by any message), and stops on a client error (gone, signed out), which retrying
 * will not mend. `onDrop` hears of each drop; `onClientError` of the error that stopped it.
 */
export async function watchWithRetry(
  open: (onMessage: () => void, signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
  hooks: { onDrop?(): void; onClientError?(error: ApiError): void } = {},
): Promise<void> {
  const first = 250;
  let delay = first;
  while (!signal.aborted) {
    try {
      await open(() => (delay = first), signal);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) {
        hooks.onClientError?.(error);
        return;
      }
    }
    if (signal.aborted) return;
    hooks.onDrop?.();
    await new Promise((resolve) => window.setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 5000);
  }
}
