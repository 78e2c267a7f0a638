import { ROLES } from '../model/roles.js';
import { z } from 'zod';
import { attachmentSchema } from '../runtime/attachment.js';
import { MEMORY_SCOPES, MEMORY_TYPES } from '../store/memory-repo.js';
import { HttpError } from './http-error.js';

const id = z.string().min(1).max(200);

export const chatBody = z.object({
  message: z.string().trim().min(1, 'message must not be empty').max(100_000),
  workspace: z.string().min(1).max(4096),
  conversation_id: id.optional(),
  debug: z.boolean().default(false),
  reasoning: z.enum(['on', 'off']).optional(),
  /**
   * Retry or edit-and-resend: the task whose exchange (its user message and answer) this message
   * replaces, with every later exchange of the conversation. Needs `conversation_id`.
   */
  replaces: id.optional(),
  /** A question asked once (`ducklm ask`): its conversation stays out of the default list. */
  one_off: z.boolean().default(false),
  /** Text attached to the message without being written by the person (piped standard input): untrusted. */
  attachment: attachmentSchema.optional(),
}).refine((body) => !body.replaces || body.conversation_id, { message: 'replaces needs the conversation_id of the task it replaces', path: ['replaces'] });

export const continueBody = z.object({ approval_id: id });

export const passwordBody = z.object({ approval_id: id, password: z.string().min(1).max(4096) });

export const memoryBody = z
  .object({
    text: z.string().trim().min(1).max(10_000),
    /** Whom it is about ("user", "user's sister Olga"); absent: read from the text. */
    subject: z.string().trim().min(1).max(200).optional(),
    workspace: z.string().min(1).max(4096).optional(),
    scope: z.enum(MEMORY_SCOPES).default('global'),
    memory_type: z.enum(MEMORY_TYPES).default('note'),
    importance: z.number().min(0).max(1).default(0.5),
    conversation_id: id.optional(),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((m) => m.scope !== 'workspace' || m.workspace, { message: 'a workspace memory needs "workspace"', path: ['workspace'] })
  .refine((m) => m.scope !== 'conversation' || m.conversation_id, { message: 'a conversation memory needs "conversation_id"', path: ['conversation_id'] });

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const workspacePath = z.string().min(1).max(4096);

/** `GET /v1/memory`: a workspace's view (or everything), optionally searched and narrowed. */
export const memoryQuery = z.object({
  workspace: workspacePath.optional(),
  conversation_id: id.optional(),
  q: z.string().trim().min(1).max(2000).optional(),
  scope: z.enum(MEMORY_SCOPES).optional(),
  type: z.enum(MEMORY_TYPES).optional(),
  include_superseded: flag.default(false),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** `PATCH /v1/memory/{id}`: what a person may correct; scope and place stay as they are. */
export const memoryPatch = z
  .object({
    text: z.string().trim().min(1).max(10_000).optional(),
    subject: z.string().trim().min(1).max(200).optional(),
    importance: z.number().min(0).max(1).optional(),
    memory_type: z.enum(MEMORY_TYPES).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });

/** One memory as `GET /v1/memory/export` writes it; ids and dates are kept so chains survive a round trip. */
const exportedMemory = z.object({
  id: id.optional(),
  text: z.string().trim().min(1).max(10_000),
  subject: z.string().trim().max(200).nullish(),
  memory_type: z.enum(MEMORY_TYPES).default('note'),
  scope: z.enum(MEMORY_SCOPES).default('global'),
  workspace: workspacePath.nullish(),
  conversation_id: id.nullish(),
  importance: z.number().min(0).max(1).default(0.5),
  metadata: z.record(z.string(), z.unknown()).default({}),
  source_task_id: id.nullish(),
  created_at: z.iso.datetime().optional(),
  updated_at: z.iso.datetime().optional(),
  superseded_by: id.nullish(),
})
  .refine((m) => m.scope !== 'workspace' || m.workspace, { message: 'a workspace memory needs "workspace"', path: ['workspace'] })
  .refine((m) => m.scope !== 'conversation' || m.conversation_id, { message: 'a conversation memory needs "conversation_id"', path: ['conversation_id'] });
export type ExportedMemory = z.infer<typeof exportedMemory>;

export const memoryImportBody = z.object({
  memories: z.array(exportedMemory).max(10_000),
});

export const memoryExportQuery = z.object({ workspace: workspacePath.optional(), include_superseded: flag.default(true) });

export const skillsQuery = z.object({ workspace: workspacePath.optional() });

const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** `GET /v1/tasks/{id}/stream`: resume after `after` (or the Last-Event-ID header), until a pause or the end. */
export const followQuery = z.object({ after: seq.optional(), until: z.enum(['pause', 'end']).default('pause'), debug: flag.optional() });
/** The Last-Event-ID header a reconnecting client sends: the last sequence number it received. */
export const lastEventId = seq.optional();
/** Which of our clients sent a request (`X-Ducklm-Client`), recorded with decisions and Stops; anything else is left out. */
export const clientName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/).optional().catch(undefined);

export const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/**
 * `GET /v1/conversations`: one workspace's (or all), or with `q` a search of titles and messages
 * across them. `kind` chooses between chats (the default), one-off questions asked
 * with `ducklm ask`, or both; a search (`q`) looks through both unless a kind is given.
 */
export const conversationsQuery = limitQuery.extend({
  workspace: workspacePath.optional(),
  q: z.string().trim().max(2000).optional(),
  kind: z.enum(['chat', 'one_off', 'all']).optional(),
});

/** `PATCH /v1/conversations/{id}`: a person's name for it, on one line. */
export const conversationPatch = z
  .object({ title: z.string().trim().min(1, 'title must not be empty').max(200).transform((t) => t.replace(/\s+/g, ' ')) })
  .strict();

/** `GET /v1/directories`: the folders inside one, for picking a workspace; default the home folder. */
export const directoriesQuery = z.object({ path: workspacePath.optional(), hidden: flag.default(false) });

/** `GET /v1/file-changes`: the applied writes and edits of one conversation or one task. */
export const fileChangesQuery = z
  .object({ conversation_id: id.optional(), task_id: id.optional() })
  .refine((q) => (q.conversation_id === undefined) !== (q.task_id === undefined), { message: 'give conversation_id or task_id (one of them)' });

/** Validates a body or query: 400 when there is no JSON object at all, 422 when fields are wrong. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'bad_request', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  throw new HttpError(422, 'invalid_request', `Invalid request: ${summary}`, details);
}

/** `GET /v1/models?refresh=1`: ask the servers again before answering. */
export const modelsQuery = z.object({ refresh: flag.default(false) });

const modelName = z.string().trim().min(1).max(400);
const serverUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http:// or https:// URL, e.g. http://127.0.0.1:8080/v1');

/** `PUT /v1/models/selection`: a choice for ducklm.config.json; null: back to "ducklm chooses". */
export const modelSelectionBody = z
  .object({
    base_url: serverUrl.nullable().optional(),
    model: modelName.nullable().optional(),
    roles: z.partialRecord(z.enum(ROLES), modelName.nullable()).optional(),
    model_path: z.string().trim().min(1).max(4096).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' })
  .transform((b) => ({
    ...(b.base_url !== undefined ? { baseUrl: b.base_url } : {}),
    ...(b.model !== undefined ? { model: b.model } : {}),
    ...(b.roles ? { roles: b.roles } : {}),
    ...(b.model_path !== undefined ? { modelPath: b.model_path } : {}),
  }));
