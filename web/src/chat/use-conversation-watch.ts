/**
 * Keeps a watch on the conversation shown, so that a task started in it by another tab or the
 * terminal appears here and is followed live, without polling. The watch reconnects after a
 * dropped connection (the server then names the tasks still running, so none is missed).
 */
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, watchConversation, type ConversationEvent } from '../api.js';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;

export function useConversationWatch(conversationId: string | null, onTaskStarted: (event: ConversationEvent) => void): void {
  const handler = useRef(onTaskStarted);
  handler.current = onTaskStarted;
  useEffect(() => {
    if (!conversationId) return;
    const controller = new AbortController();
    void (async () => {
      let delay = FIRST_DELAY_MS;
      while (!controller.signal.aborted) {
        try {
          await watchConversation(conversationId, (event) => {
            delay = FIRST_DELAY_MS;
            handler.current(event);
          }, controller.signal);
        } catch (error) {
          // A conversation that is gone, or a sign-in that expired, will not come back by retrying.
          if (error instanceof ApiError && error.status < 500) return;
        }
        if (controller.signal.aborted) return;
        await new Promise((resolve) => window.setTimeout(resolve, delay));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    })();
    return () => controller.abort();
  }, [conversationId]);
}
