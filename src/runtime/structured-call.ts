import type { z } from 'zod';
import { ModelBehaviorError } from '../errors.js';
import type { ChatMessage, ChatOptions } from '../model/model-client.js';
import { parseJsonReply, ROLE_FORMATS } from '../model/role-replies.js';
import { callRole } from './model-calls.js';
import type { TaskContext } from './task-context.js';

type StructuredRole = keyof typeof ROLE_FORMATS;

/**
 * Asks a structured role for JSON (with its schema as `response_format`) and validates it. A reply
 * that does not fit gets one repair call that shows the model its reply and what was wrong; a
 * second failure is the caller's to handle as a model-behaviour error.
 */
export async function callStructured<T>(ctx: TaskContext, role: StructuredRole, messages: ChatMessage[], schema: z.ZodType<T>, options: ChatOptions = {}): Promise<T> {
  const withFormat = { ...options, responseFormat: ROLE_FORMATS[role] };
  const reply = await callRole(ctx, role, messages, withFormat);
  try {
    return parseJsonReply(schema, reply.content);
  } catch (error) {
    if (!(error instanceof ModelBehaviorError)) throw error;
    const repair: ChatMessage[] = [
      ...messages,
      { role: 'assistant', content: reply.content },
      { role: 'user', content: `${error.message} Reply again with only the JSON object, nothing else.` },
    ];
    return parseJsonReply(schema, (await callRole(ctx, role, repair, withFormat)).content);
  }
}
