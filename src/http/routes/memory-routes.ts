import type { FastifyInstance } from 'fastify';
import { hybridCandidates } from '../../memory/candidates.js';
import { embedMemory, MemoryVectors } from '../../memory/embeddings.js';
import { recallEmbedder } from '../../runtime/recall-embedder.js';
import { memoryLineage } from '../../memory/lineage.js';
import { rememberNew } from '../../memory/memory-writer.js';
import { exportMemories, importMemories } from '../../memory/transfer.js';
import type { MemoryFilter } from '../../store/memory-repo.js';
import { resolveWorkspace } from '../../tools/workspace-path.js';
import { HttpError } from '../http-error.js';
import { memoryBody, memoryExportQuery, memoryImportBody, memoryPatch, memoryQuery, parseInput } from '../request-schemas.js';
import type { Services } from '../services.js';

type IdParams = { Params: { memoryId: string } };

/**
 * The person's own view of what ducklm remembers: list and search, read, correct, forget,
 * see how a fact changed, and carry it all out and back in as JSON.
 */
export function registerMemoryRoutes(app: FastifyInstance, { store, model }: Services): void {
  /** A memory written here gets its vector at once, when the model embeds; imports get theirs after turns. */
  const embed = async (memory: { id: string; text: string }) => {
    const embedder = recallEmbedder(model);
    if (embedder) await embedMemory(new MemoryVectors(store.db), embedder, memory);
  };
  const requireMemory = (id: string) => {
    const memory = store.memories.get(id);
    if (!memory) throw new HttpError(404, 'not_found', `Unknown memory: ${id}`);
    return memory;
  };

  app.post('/v1/memory', async (request, reply) => {
    const body = parseInput(memoryBody, request.body);
    if (body.conversation_id && !store.conversations.get(body.conversation_id)) {
      throw new HttpError(404, 'not_found', `Unknown conversation: ${body.conversation_id}`);
    }
    const workspace = body.workspace ? await resolveWorkspace(body.workspace) : null;
    const outcome = rememberNew(
      store.memories,
      {
        text: body.text,
        memory_type: body.memory_type,
        scope: body.scope,
        workspace: body.scope === 'workspace' ? workspace : null,
        conversation_id: body.scope === 'conversation' ? (body.conversation_id ?? null) : null,
        importance: body.importance,
        metadata: body.metadata,
        source_task_id: null,
        ...(body.subject ? { subject: body.subject } : {}),
      },
      workspace,
    );
    if (outcome.kind === 'stored') await embed(outcome.memory);
    // A near-duplicate is not stored twice: the existing memory comes back, reinforced, with 200.
    return reply.status(outcome.kind === 'stored' ? 201 : 200).send(outcome.memory);
  });

  app.get('/v1/memory', async (request) => {
    const query = parseInput(memoryQuery, request.query);
    // With a workspace: what a chat there would see. Without: everything.
    const filter: MemoryFilter = {
      view: query.workspace ? { workspace: await resolveWorkspace(query.workspace), conversationId: query.conversation_id } : undefined,
      scope: query.scope,
      type: query.type,
      includeSuperseded: query.include_superseded,
    };
    if (!query.q) return { results: store.memories.find(filter, query.limit) };
    const ranked = await hybridCandidates(store.memories, recallEmbedder(model), filter, query.q, { limit: query.limit });
    return { results: ranked.map((c) => ({ ...c.memory, score: round(c.score) })) };
  });

  // Static paths before `:memoryId`, which would otherwise swallow them (Fastify prefers static anyway).
  app.get('/v1/memory/export', async (request, reply) => {
    const query = parseInput(memoryExportQuery, request.query);
    const view = query.workspace ? { workspace: await resolveWorkspace(query.workspace) } : undefined;
    const file = exportMemories(store.memories, { view, includeSuperseded: query.include_superseded });
    return reply.header('content-disposition', 'attachment; filename="ducklm-memory.json"').send(file);
  });

  app.post('/v1/memory/import', async (request) => {
    const body = parseInput(memoryImportBody, request.body);
    return store.db.transaction(() => importMemories(store.memories, body.memories))();
  });

  app.get<IdParams>('/v1/memory/:memoryId', async (request) => requireMemory(request.params.memoryId));

  app.patch<IdParams>('/v1/memory/:memoryId', async (request) => {
    requireMemory(request.params.memoryId);
    const patch = parseInput(memoryPatch, request.body);
    const memory = store.memories.update(request.params.memoryId, patch)!;
    if (patch.text) await embed(memory);
    return memory;
  });

  app.delete<IdParams>('/v1/memory/:memoryId', async (request, reply) => {
    if (!store.memories.delete(request.params.memoryId)) throw new HttpError(404, 'not_found', `Unknown memory: ${request.params.memoryId}`);
    return reply.status(204).send();
  });

  app.get<IdParams>('/v1/memory/:memoryId/history', async (request) => memoryLineage(store.memories, requireMemory(request.params.memoryId)));
}

const round = (n: number) => Math.round(n * 1000) / 1000;
