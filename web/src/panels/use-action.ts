import { useState } from 'preact/hooks';
import { errorText } from './format.js';

export interface Action<A extends unknown[]> {
  /** True while the call runs; buttons that start it again are disabled meanwhile. */
  busy: boolean;
  /** The last failure in words, cleared when the action runs again. */
  error: string | null;
  /** Starts the call; a failure shows in `error` instead of being thrown. */
  run(...args: A): void;
  /** Shows a problem found before calling at all, such as an empty field. */
  fail(message: string): void;
}

/** A call a person starts (save, delete, revoke), with its progress and failure for the page to show. */
export function useAction<A extends unknown[]>(act: (...args: A) => Promise<unknown>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (...args: A) => {
    setBusy(true);
    setError(null);
    act(...args).then(
      () => setBusy(false),
      (failure: unknown) => {
        setError(errorText(failure));
        setBusy(false);
      },
    );
  };
  return { busy, error, run, fail: setError };
}
