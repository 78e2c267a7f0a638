import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import { limitQuery, parseInput } from '../request-schemas.js';
import type { Services } from '../services.js';

export function registerTaskRoutes(app: FastifyInstance, { store }: Services): void {
  const requireTask = (taskId: string) => {
    const task = store.tasks.get(taskId);
    if (!task) throw new HttpError(404, 'not_found', `Unknown task: ${taskId}`);
    return task;
  };

  app.get<{ Params: { taskId: string } }>('/v1/tasks/:taskId', async (request) => {
    const { id, conversation_id, workspace, message, status, created_at, updated_at } = requireTask(request.params.taskId);
    return { task_id: id, conversation_id, workspace, message, status, created_at, updated_at };
  });

  app.get<{ Params: { taskId: string } }>('/v1/tasks/:taskId/events', async (request) => {
    requireTask(request.params.taskId);
    return store.events.list(request.params.taskId);
  });

  app.get<{ Params: { conversationId: string } }>('/v1/conversations/:conversationId', async (request) => {
    const conversation = store.conversations.get(request.params.conversationId);
    if (!conversation) throw new HttpError(404, 'not_found', `Unknown conversation: ${request.params.conversationId}`);
    return { conversation_id: conversation.id, workspace: conversation.workspace, created_at: conversation.created_at, messages: store.conversations.messages(conversation.id) };
  });

  app.get('/v1/audit/commands', async (request) => {
    const { limit } = parseInput(limitQuery, request.query);
    return store.events.listByType('command_audit', limit);
  });

  app.get('/v1/experience', async (request) => {
    const { limit } = parseInput(limitQuery, request.query);
    return store.experience.list(limit);
  });
}
