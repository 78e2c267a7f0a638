/**
 * Keeps a watch on the conversation shown, so that a task started in it by another tab or the
 * terminal appears here and is followed live, without polling. The watch reconnects after a
 * dropped connection (the server then names the tasks still running, so none is missed).
 */
import { useEffect, useRef } from 'preact/hooks';
import { watchConversation, type ConversationEvent } from '../api.js';
import { watchWithRetry } from '../watch-with-retry.js';

export function useConversationWatch(conversationId: string | null, onTaskStarted: (event: ConversationEvent) => void): void {
  const handler = useRef(onTaskStarted);
  handler.current = onTaskStarted;
  useEffect(() => {
    if (!conversationId) return;
    const controller = new AbortController();
    // A conversation that is gone, or a sign-in that expired, will not come back by retrying.
    void watchWithRetry((onMessage, signal) => watchConversation(conversationId, (event) => {
      onMessage();
      handler.current(event);
    }, signal), controller.signal);
    return () => controller.abort();
  }, [conversationId]);
}
