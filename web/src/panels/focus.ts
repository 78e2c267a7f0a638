import { useEffect, useRef } from 'preact/hooks';

/** A ref whose element takes the keyboard focus when it appears (autofocus works only on page load). */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
