import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './format.js';

export interface Loaded<T> {
  /** The last good answer; kept while a reload runs or after it fails, so lists do not flash. */
  data: T | undefined;
  loading: boolean;
  /** The last failure in words, cleared by the next success. */
  error: string | null;
  reload(): void;
  /** Changes the held data after a successful edit, without asking the server again. */
  mutate(change: (data: T) => T): void;
}

/**
 * Loads data whenever `deps` change. Answers to superseded requests are dropped, so a slow early
 * search cannot overwrite a later one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const request = ++latest.current;
    setLoading(true);
    load().then(
      (value) => {
        if (request !== latest.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (request !== latest.current) return;
        setError(errorText(failure));
        setLoading(false);
      },
    );
    // `load` is a fresh closure each render; `deps` says when it means something new.
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const mutate = useCallback((change: (value: T) => T) => setData((value) => (value === undefined ? value : change(value))), []);
  return { data, loading, error, reload, mutate };
}

/** A value that follows `value` once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
