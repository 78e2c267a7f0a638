import type { FastifyInstance, FastifyRequest } from 'fastify';
import { chatBody, clientName, continueBody, followQuery, lastEventId, parseInput, passwordBody } from '../request-schemas.js';
import { HttpError } from '../http-error.js';
import type { Services } from '../services.js';

interface TaskParams {
  taskId: string;
}

/** The client a request came from (`X-Ducklm-Client`), for the task log. */
export const viaOf = (request: FastifyRequest) => clientName.parse(request.headers['x-ducklm-client']);

/** Where a reconnecting client resumes: the Last-Event-ID header, else `fallback`. */
function resumePoint(request: FastifyRequest, fallback: number): number {
  const parsed = lastEventId.safeParse(request.headers['last-event-id']);
  if (!parsed.success) throw new HttpError(400, 'bad_request', 'Last-Event-ID must be the id of an event this stream sent: a whole number.');
  return parsed.data ?? fallback;
}

/**
 * Starting, continuing and giving a password each start a run and answer with a follow of its
 * task, from the first event the request caused. Hanging up stops following, never the task.
 */
export function registerChatRoutes(app: FastifyInstance, { runtime, store, streams }: Services): void {
  app.post('/v1/chat/stream', async (request, reply) => {
    const body = parseInput(chatBody, request.body);
    const run = await runtime.startTask({
      message: body.message,
      workspace: body.workspace,
      debug: body.debug,
      ...(body.conversation_id ? { conversationId: body.conversation_id } : {}),
      ...(body.reasoning ? { reasoning: body.reasoning } : {}),
      ...(body.replaces ? { replaces: body.replaces } : {}),
      oneOff: body.one_off,
      ...(body.attachment ? { attachment: body.attachment } : {}),
    });
    await streams.follow(reply, run.taskId, { after: run.after, until: 'pause', debug: body.debug });
  });

  app.post<{ Params: TaskParams }>('/v1/tasks/:taskId/continue/stream', async (request, reply) => {
    const body = parseInput(continueBody, request.body);
    const run = runtime.continueTask(request.params.taskId, body.approval_id);
    await streams.follow(reply, run.taskId, { after: run.after, until: 'pause', debug: debugOf(run.taskId) });
  });

  app.post<{ Params: TaskParams }>('/v1/tasks/:taskId/password/stream', async (request, reply) => {
    const body = parseInput(passwordBody, request.body);
    const run = runtime.providePassword(request.params.taskId, body.approval_id, body.password);
    await streams.follow(reply, run.taskId, { after: run.after, until: 'pause', debug: debugOf(run.taskId) });
  });

  // Follows any task: replays what the client has not seen, then streams live.
  app.get<{ Params: TaskParams }>('/v1/tasks/:taskId/stream', async (request, reply) => {
    const query = parseInput(followQuery, request.query);
    const after = query.after ?? resumePoint(request, 0);
    if (!store.tasks.get(request.params.taskId)) throw new HttpError(404, 'not_found', `Unknown task: ${request.params.taskId}`);
    await streams.follow(reply, request.params.taskId, { after, until: query.until, debug: query.debug ?? debugOf(request.params.taskId) });
  });

  /** A task asked with `debug: true` shows its debug events to every follower. */
  function debugOf(taskId: string): boolean {
    const task = store.tasks.get(taskId);
    if (!task) return false;
    try {
      return (JSON.parse(task.state) as { debug?: unknown }).debug === true;
    } catch {
      return false;
    }
  }
}
