import { ModelUnavailableError } from '../errors.js';

/** DUCK_MODEL_IDLE_TIMEOUT_MS's default: long enough for a slow local model to read a long prompt. */
export const DEFAULT_MODEL_IDLE_TIMEOUT_MS = 120_000;

/** A streamed reply that went silent: the model server stopped sending, without an error or an end. */
export class ModelIdleTimeoutError extends ModelUnavailableError {}

/**
 * Wraps fetch so that a streamed model reply cannot hold a task open forever: once it has started,
 * the server must send something at least every `idleMs`; otherwise the request is aborted (the
 * server sees the hang-up and can stop generating) and the reader gets a ModelIdleTimeoutError.
 * The wait for the first byte is the SDK's per-request `timeout`, which the client sets to the same
 * window for a streamed call. A non-streamed request sends nothing until its whole reply is ready,
 * so it keeps the SDK's overall timeout.
 */
export function idleTimeoutFetch(inner: typeof fetch, idleMs: number, baseUrl: string): typeof fetch {
  return async (input, init) => {
    if (!isStreamed(init)) return inner(input, init);
    const hangUp = new AbortController();
    const signal = init?.signal ? AbortSignal.any([init.signal, hangUp.signal]) : hangUp.signal;
    const response = await inner(input, { ...init, signal });
    if (!response.body) return response;
    const silent = () =>
      new ModelIdleTimeoutError(
        `The model server at ${baseUrl} stopped sending mid-reply: nothing for ${seconds(idleMs)}, so the request was stopped. Check that it is running and not overloaded, or raise DUCK_MODEL_IDLE_TIMEOUT_MS.`,
        baseUrl,
      );
    // One timer, pushed back by each read (`refresh` re-arms it without a new timer or promise:
    // this runs for every network read of a fast stream).
    const timer = setTimeout(() => hangUp.abort(silent()), idleMs);
    timer.unref(); // a pending model call must not keep a finished process alive
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          timer.refresh();
          controller.enqueue(chunk);
        },
        flush() {
          clearTimeout(timer);
        },
      }),
    );
    // An abort by the caller, or the end of the reply, ends the watch too.
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Only a streamed request is watched: a non-streamed one sends nothing until its whole reply is ready. */
function isStreamed(init: RequestInit | undefined): boolean {
  if (typeof init?.body !== 'string' || !init.body.includes('"stream"')) return false;
  try {
    return (JSON.parse(init.body) as { stream?: unknown }).stream === true;
  } catch {
    return false;
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
