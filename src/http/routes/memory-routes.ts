import type { FastifyInstance } from 'fastify';
import { resolveWorkspace } from '../../tools/workspace-path.js';
import { HttpError } from '../http-error.js';
import { memoryBody, memoryQuery, parseInput } from '../request-schemas.js';
import type { Services } from '../services.js';

export function registerMemoryRoutes(app: FastifyInstance, { store }: Services): void {
  app.post('/v1/memory', async (request, reply) => {
    const body = parseInput(memoryBody, request.body);
    if (body.conversation_id && !store.conversations.get(body.conversation_id)) {
      throw new HttpError(404, 'not_found', `Unknown conversation: ${body.conversation_id}`);
    }
    const memory = store.memories.add({
      text: body.text,
      memory_type: body.memory_type,
      scope: body.scope,
      workspace: body.scope === 'workspace' && body.workspace ? await resolveWorkspace(body.workspace) : null,
      conversation_id: body.scope === 'conversation' ? (body.conversation_id ?? null) : null,
      importance: body.importance,
      metadata: body.metadata,
      source_task_id: null,
    });
    return reply.status(201).send(memory);
  });

  app.get('/v1/memory', async (request) => {
    const query = parseInput(memoryQuery, request.query);
    // With a workspace: what a chat there would see. Without: everything.
    const results = query.workspace
      ? store.memories.list({ workspace: await resolveWorkspace(query.workspace) }, query.limit)
      : store.memories.all(query.limit);
    return { results };
  });
}
