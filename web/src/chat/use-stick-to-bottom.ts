import type { RefObject } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef } from 'preact/hooks';

const NEAR_BOTTOM_PX = 80;

/**
 * Keeps a scrolling box at its bottom while content grows, unless the person scrolled up to
 * read; returns a function that sticks it to the bottom again (e.g. on send).
 */
export function useStickToBottom(box: RefObject<HTMLElement>, content: unknown): () => void {
  const stuck = useRef(true);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const onScroll = () => {
      stuck.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, []);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && stuck.current) element.scrollTop = element.scrollHeight;
  }, [content]);

  return useCallback(() => {
    stuck.current = true;
  }, []);
}
