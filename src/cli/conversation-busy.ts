import { ApiError } from './client/api-client.js';

/**
 * The server takes one task at a time in a conversation: a message (or /retry, /edit) sent while
 * one runs or waits is refused with 409 `conversation_busy`, its `details.tasks` naming them.
 * Returns what the chat can offer beside the server's message, or null for any other error.
 */
export function busyHint(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'conversation_busy') return null;
  const tasks = (error.details as { tasks?: { status?: unknown }[] } | undefined)?.tasks ?? [];
  const runs = tasks.length > 0 && tasks.every((task) => task.status === 'running');
  return !runs ? '/pending to answer what it waits for, or /new to start another conversation.' : 'Wait for it to end, or /new to start another conversation.';
}
