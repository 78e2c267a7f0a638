import type { FastifyInstance } from 'fastify';
import { chatBody, continueBody, parseInput, passwordBody } from '../request-schemas.js';
import type { Services } from '../services.js';
import { streamRun } from '../sse.js';

interface TaskParams {
  taskId: string;
}

export function registerChatRoutes(app: FastifyInstance, { runtime }: Services): void {
  app.post('/v1/chat/stream', async (request, reply) => {
    const body = parseInput(chatBody, request.body);
    const run = await runtime.startTask({
      message: body.message,
      workspace: body.workspace,
      debug: body.debug,
      ...(body.conversation_id ? { conversationId: body.conversation_id } : {}),
      ...(body.reasoning ? { reasoning: body.reasoning } : {}),
    });
    await streamRun(reply, run);
  });

  app.post<{ Params: TaskParams }>('/v1/tasks/:taskId/continue/stream', async (request, reply) => {
    const body = parseInput(continueBody, request.body);
    await streamRun(reply, runtime.continueTask(request.params.taskId, body.approval_id));
  });

  app.post<{ Params: TaskParams }>('/v1/tasks/:taskId/password/stream', async (request, reply) => {
    const body = parseInput(passwordBody, request.body);
    await streamRun(reply, runtime.providePassword(request.params.taskId, body.approval_id, body.password));
  });
}
