import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import { limitQuery, parseInput } from '../request-schemas.js';
import type { Services } from '../services.js';
import { viaOf } from './chat-routes.js';

export function registerTaskRoutes(app: FastifyInstance, { store, runtime }: Services): void {
  const { taskLog } = runtime.deps;
  const requireTask = (taskId: string) => {
    const task = store.tasks.get(taskId);
    if (!task) throw new HttpError(404, 'not_found', `Unknown task: ${taskId}`);
    return task;
  };

  // What waits for the person across all conversations: after a reload, in another client.
  app.get('/v1/tasks/waiting', async (request) => {
    const { limit } = parseInput(limitQuery, request.query);
    return {
      tasks: store.tasks.waiting(limit).map(({ id, ...task }) => ({ task_id: id, ...task, approval: store.approvals.latestOf(id) ?? null })),
    };
  });

  app.get<{ Params: { taskId: string } }>('/v1/tasks/:taskId', async (request) => {
    const { id, conversation_id, workspace, message, status, created_at, updated_at } = requireTask(request.params.taskId);
    return { task_id: id, conversation_id, workspace, message, status, created_at, updated_at, last_seq: taskLog.lastSeq(id) };
  });

  app.get<{ Params: { taskId: string } }>('/v1/tasks/:taskId/events', async (request) => {
    requireTask(request.params.taskId);
    // Deltas are stored merged: one row per run, carrying its last delta's sequence number.
    return store.events.list(request.params.taskId);
  });

  // Stops a running task (its stream ends with `done`, status cancelled) or ends a paused one.
  app.post<{ Params: { taskId: string } }>('/v1/tasks/:taskId/cancel', async (request) => {
    const outcome = runtime.cancel(request.params.taskId, viaOf(request));
    return { task_id: request.params.taskId, outcome };
  });

  // Reads task_events alone, never the tasks: audit rows outlive their deleted conversations.
  app.get('/v1/audit/commands', async (request) => {
    const { limit } = parseInput(limitQuery, request.query);
    return store.events.listByType('command_audit', limit);
  });

  app.get('/v1/experience', async (request) => {
    const { limit } = parseInput(limitQuery, request.query);
    return store.experience.list(limit);
  });

  app.delete<{ Params: { experienceId: string } }>('/v1/experience/:experienceId', async (request, reply) => {
    if (!store.experience.delete(request.params.experienceId)) throw new HttpError(404, 'not_found', `Unknown lesson: ${request.params.experienceId}`);
    return reply.status(204).send();
  });
}
