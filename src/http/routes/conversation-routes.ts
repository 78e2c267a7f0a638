import type { FastifyInstance } from 'fastify';
import { conversationBusy } from '../../store/conversations-repo.js';
import { resolveWorkspace } from '../../tools/workspace-path.js';
import { HttpError } from '../http-error.js';
import { conversationPatch, conversationsQuery, parseInput } from '../request-schemas.js';
import type { Services } from '../services.js';

type ById = { Params: { conversationId: string } };

const unknown = (id: string) => new HttpError(404, 'not_found', `Unknown conversation: ${id}`);

/** Conversations: listed, searched across workspaces, read, followed, renamed and deleted. */
export function registerConversationRoutes(app: FastifyInstance, { store, runtime, streams }: Services): void {
  // With `q`: titles and message text by word forms, best first, in every workspace unless one is given.
  app.get('/v1/conversations', async (request) => {
    const { limit, workspace, q, kind } = parseInput(conversationsQuery, request.query);
    const where = workspace ? await resolveWorkspace(workspace) : undefined;
    return { conversations: q ? store.conversations.search(q, limit, where, kind ?? 'all') : store.conversations.list(limit, where, kind ?? 'chat') };
  });

  // A page showing a conversation learns here of tasks started in it by any client.
  app.get<ById>('/v1/conversations/:conversationId/stream', async (request, reply) => {
    if (!store.conversations.get(request.params.conversationId)) throw unknown(request.params.conversationId);
    await streams.watchConversation(reply, request.params.conversationId, runtime.conversations);
  });

  app.get<ById>('/v1/conversations/:conversationId', async (request) => {
    const conversation = store.conversations.get(request.params.conversationId);
    if (!conversation) throw unknown(request.params.conversationId);
    return {
      conversation_id: conversation.id,
      workspace: conversation.workspace,
      title: conversation.title ?? '',
      created_at: conversation.created_at,
      one_off: conversation.one_off,
      messages: store.conversations.messages(conversation.id),
    };
  });

  app.patch<ById>('/v1/conversations/:conversationId', async (request) => {
    const { title } = parseInput(conversationPatch, request.body);
    const renamed = store.conversations.rename(request.params.conversationId, title);
    if (!renamed) throw unknown(request.params.conversationId);
    return renamed;
  });

  // The command audit keeps its rows; a task still running or waiting for the person is not pulled away.
  app.delete<ById>('/v1/conversations/:conversationId', async (request, reply) => {
    const id = request.params.conversationId;
    const outcome = store.conversations.delete(id, () => store.memories.deleteConversationScoped(id));
    if (outcome.deleted) return reply.status(204).send();
    if (outcome.reason === 'not_found') throw unknown(request.params.conversationId);
    throw conversationBusy(outcome.tasks, 'delete the conversation');
  });
}
