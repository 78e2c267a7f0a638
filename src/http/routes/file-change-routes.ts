import type { FastifyInstance } from 'fastify';
import type { FileChangeRow } from '../../store/file-changes-repo.js';
import type { FileChange } from '../file-change-wire.js';
import { fileChangesQuery, parseInput } from '../request-schemas.js';
import type { Services } from '../services.js';
import { viaOf } from './chat-routes.js';

/** A change as clients see it: never the bytes it replaced. */
const toWire = (c: FileChangeRow): FileChange => ({
  change_id: c.id,
  task_id: c.task_id,
  call_id: c.call_id,
  tool: c.tool,
  path: c.path,
  created: c.created,
  diff: c.diff,
  created_at: c.created_at,
  undone_at: c.undone_at,
});

/** The file writes and edits ducklm applied, and a person's undo of one. */
export function registerFileChangeRoutes(app: FastifyInstance, { store, runtime }: Services): void {
  app.get('/v1/file-changes', async (request) => {
    const query = parseInput(fileChangesQuery, request.query);
    const changes = query.task_id !== undefined ? store.fileChanges.ofTask(query.task_id) : store.fileChanges.ofConversation(query.conversation_id!);
    return { changes: changes.map(toWire) };
  });

  app.post<{ Params: { changeId: string } }>('/v1/file-changes/:changeId/undo', async (request) => runtime.undoFileChange(request.params.changeId, viaOf(request)));
}
