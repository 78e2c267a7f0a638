import { z } from 'zod';

/**
 * What `GET /v1/conversations/{id}/stream` sends: a task started in the conversation (by any
 * client), so that a page showing it follows the task's own stream. Not a task event: it has no
 * sequence number; on connecting, the tasks still running or paused are sent again.
 */
export const conversationEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('task_started'),
    conversation_id: z.string(),
    task_id: z.string(),
    message: z.string(),
    /** Retry or edit: the task whose exchange, with every later one, this task replaces. */
    replaces: z.string().optional(),
  }),
]);
export type ConversationEvent = z.infer<typeof conversationEventSchema>;
