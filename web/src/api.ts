/**
 * The page's only door to the server: typed JSON calls and task streams. The session cookie
 * (set by opening the `?token=` link) authenticates every call; nothing here stores a secret.
 */
import { createParser } from 'eventsource-parser';
import type { TaskEvent } from '../../src/events/task-event.js';
import type { Approval } from '../../src/store/approvals-repo.js';
import type { ConversationKind, ConversationMatch, ConversationSummary, StoredMessage } from '../../src/store/conversations-repo.js';
import type { Lesson } from '../../src/store/experience-repo.js';
import type { Memory } from '../../src/store/memory-repo.js';
import type { StoredEvent } from '../../src/store/events-repo.js';
import type { MemoryLineage } from '../../src/memory/lineage.js';
import type { Rule } from '../../src/store/rules-repo.js';

/** A stored event (`GET /v1/tasks/{id}/events`, `/v1/audit/commands`): `event_type` and its `payload`. */
export type { Approval, ConversationKind, ConversationMatch, ConversationSummary, Lesson, Memory, MemoryLineage, Rule, StoredEvent, StoredMessage, TaskEvent };
export type CommandAudit = Extract<TaskEvent, { type: 'command_audit' }>;
/** One `command_audit` row; fields added later may be missing from old rows. */
export type AuditEntry = Omit<StoredEvent, 'payload'> & { payload: Partial<Omit<CommandAudit, 'type'>> };

/** An answer of the server's that is not 2xx, with its `{error: {code, message}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fired on any 401 so that the shell can show the sign-in screen. */
export const UNAUTHORIZED_EVENT = 'ducklm:unauthorized';

/** Names this client on every request: the server records it as `via` in decisions and cancellations. */
const CLIENT = { 'x-ducklm-client': 'web' } as const;

async function failure(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  return new ApiError(response.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `${response.status} ${response.statusText}`);
}

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? CLIENT : { ...CLIENT, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (!response.ok) throw await failure(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

const query = (params: Record<string, string | number | boolean | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** What the header shows, as the server works it out (`GET /v1/models/status/stream`). */
export interface ModelStatus {
  state: 'ready' | 'loading' | 'down' | 'unconfigured' | 'choose';
  where: string | null;
  model: string | null;
  detail: string;
}

/** An MCP server as health shows it: its state and tools, never its env or headers. */
export interface McpServer {
  name: string;
  transport: 'stdio' | 'http';
  state: 'stopped' | 'starting' | 'ready' | 'failed' | 'crashed' | 'disabled';
  error?: string;
  tools: { name: string; description: string }[];
}

export interface Health {
  status: string;
  version: string;
  model?: { configured: boolean; reachable: boolean; base_url: string | null; detail?: string; status?: ModelStatus };
  mcp_servers?: McpServer[];
}

export type RoleName = 'action' | 'thinker' | 'recall' | 'memory_policy' | 'critic';

/** `GET /v1/models`: the servers found, what they offer, and the choice per role with where it comes from. */
export interface ModelsOverview {
  status: ModelStatus;
  servers: {
    base_url: string;
    configured_as?: string;
    kind: string;
    label: string;
    reachable: boolean;
    loading: boolean;
    models: { id: string; kind?: 'chat' | 'embedding'; loaded?: boolean }[];
  }[];
  local: { name: string; path: string; size: number; modified_at: string }[];
  selection: {
    how: 'embedded' | 'configured' | 'found' | 'none';
    base_url: string | null;
    model_path: string | null;
    models: Record<RoleName, { model: string; source: 'env' | 'file' | 'default' }>;
    base_url_source: 'env' | 'file' | 'default';
    model_path_source: 'env' | 'file' | 'default';
    unchosen: RoleName[];
    notes: string[];
    locked: string[];
  };
}

/** A GGUF download the server runs (`POST /v1/models/pull`), as its stream reports it. */
export interface PullStatus {
  id: string;
  source: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  downloaded_bytes: number;
  total_bytes: number;
  bytes_per_second: number;
  model: { name: string; path: string } | null;
  error: { code: string; message: string } | null;
}

/** One applied file write or edit, as `GET /v1/file-changes` lists it. */
export type FileChange = import('../../src/http/file-change-wire.js').FileChange;

export type ModelSelection = { base_url?: string | null; model?: string | null; roles?: Partial<Record<RoleName, string | null>>; model_path?: string | null };

export interface ConversationDetail {
  conversation_id: string;
  workspace: string;
  /** A person's name for it, or one made from its first message ("" before there is one). */
  title: string;
  created_at: string;
  /** Asked once with `ducklm ask`; chatting in it makes it a chat. */
  one_off: boolean;
  messages: StoredMessage[];
}


export type NewMemory = { text: string; memory_type?: Memory['memory_type']; scope?: Memory['scope']; workspace?: string; importance?: number };
export type MemoryPatch = Partial<Pick<Memory, 'text' | 'importance' | 'memory_type'>>;

export const api = {
  health: () => call<Health>('GET', '/v1/health'),
  startMcpServer: (name: string) => call<McpServer>('POST', `/v1/mcp/servers/${encodeURIComponent(name)}/start`),
  models: (refresh = false) => call<ModelsOverview>('GET', `/v1/models${query({ refresh: refresh ? 1 : undefined })}`),
  chooseModel: (selection: ModelSelection) => call<ModelsOverview>('PUT', '/v1/models/selection', selection),
  pullModel: (source: string) => call<PullStatus>('POST', '/v1/models/pull', { source }),
  cancelPull: (id: string) => call<PullStatus>('DELETE', `/v1/models/pulls/${encodeURIComponent(id)}`),
  /** Chats by default; `one_off`: the questions asked once with `ducklm ask`. */
  conversations: (workspace?: string, limit = 100, kind?: ConversationKind) => call<{ conversations: ConversationSummary[] }>('GET', `/v1/conversations${query({ workspace, limit, kind })}`),
  conversation: (id: string) => call<ConversationDetail>('GET', `/v1/conversations/${encodeURIComponent(id)}`),
  /** Titles and message text by word forms, best first; every workspace unless one is given. */
  searchConversations: (q: string, workspace?: string, limit = 50) => call<{ conversations: ConversationMatch[] }>('GET', `/v1/conversations${query({ q, workspace, limit })}`),
  renameConversation: (id: string, title: string) => call<ConversationSummary>('PATCH', `/v1/conversations/${encodeURIComponent(id)}`, { title }),
  /** 409 while one of its tasks runs or waits for a decision; the command audit keeps its rows. */
  deleteConversation: (id: string) => call<void>('DELETE', `/v1/conversations/${encodeURIComponent(id)}`),
  task: (taskId: string) => call<TaskInfo>('GET', `/v1/tasks/${encodeURIComponent(taskId)}`),
  /** Tasks paused for the person, across conversations, each with the approval it waits on. */
  waitingTasks: () => call<{ tasks: (TaskInfo & { approval: Approval | null })[] }>('GET', '/v1/tasks/waiting'),
  /** One approval, whatever its state: a decided one whose task was never continued can still be. */
  approval: (approvalId: string) => call<Approval>('GET', `/v1/approvals/${encodeURIComponent(approvalId)}`),
  taskEvents: (taskId: string) => call<StoredEvent[]>('GET', `/v1/tasks/${encodeURIComponent(taskId)}/events`),
  cancelTask: (taskId: string) => call<{ task_id: string; outcome: 'stopping' | 'cancelled' }>('POST', `/v1/tasks/${encodeURIComponent(taskId)}/cancel`),
  pendingApprovals: () => call<Approval[]>('GET', '/v1/approvals/pending'),
  decide: (approvalId: string, decision: 'allow_once' | 'allow_always' | 'deny') => call<Approval>('POST', `/v1/approvals/${encodeURIComponent(approvalId)}/${decision}`),
  workspaces: () => call<{ recent: { path: string; last_used: string }[]; default: string; home: string }>('GET', '/v1/workspaces'),
  directories: (path?: string, hidden = false) => call<{ path: string; parent: string | null; directories: string[]; truncated: boolean }>('GET', `/v1/directories${query({ path, hidden: hidden || undefined })}`),
  memories: (params: { q?: string; workspace?: string; scope?: Memory['scope']; type?: Memory['memory_type']; limit?: number } = {}) =>
    call<{ results: (Memory & { score?: number })[] }>('GET', `/v1/memory${query(params)}`),
  addMemory: (memory: NewMemory) => call<Memory>('POST', '/v1/memory', memory),
  updateMemory: (id: string, patch: MemoryPatch) => call<Memory>('PATCH', `/v1/memory/${encodeURIComponent(id)}`, patch),
  deleteMemory: (id: string) => call<void>('DELETE', `/v1/memory/${encodeURIComponent(id)}`),
  memoryHistory: (id: string) => call<MemoryLineage>('GET', `/v1/memory/${encodeURIComponent(id)}/history`),
  lessons: (limit = 200) => call<Lesson[]>('GET', `/v1/experience${query({ limit })}`),
  deleteLesson: (id: string) => call<void>('DELETE', `/v1/experience/${encodeURIComponent(id)}`),
  audit: (limit = 200) => call<AuditEntry[]>('GET', `/v1/audit/commands${query({ limit })}`),
  /** The export downloads through a plain link: the session cookie authenticates it. */
  memoryExportUrl: (workspace?: string) => `/v1/memory/export${query({ workspace })}`,
  rules: () => call<Rule[]>('GET', '/v1/rules'),
  /** Puts back the bytes a file write or edit replaced; 409 when the file changed since, or it was undone already. */
  undoFileChange: (changeId: string) => call<{ change_id: string; path: string; undone_at: string }>('POST', `/v1/file-changes/${encodeURIComponent(changeId)}/undo`),
  /** A conversation's applied file writes and edits, newest first. */
  fileChanges: (conversationId: string) => call<{ changes: FileChange[] }>('GET', `/v1/file-changes${query({ conversation_id: conversationId })}`),
  deleteRule: (id: string) => call<void>('DELETE', `/v1/rules/${encodeURIComponent(id)}`),
};

/** `replaces` (with `conversation_id`): retry or edit-and-resend, the new turn takes that task's exchange and every later one. */
export type ChatRequest = { message: string; workspace: string; conversation_id?: string; reasoning?: 'on' | 'off'; replaces?: string };

/** Calls `onEvent` with each event and its log sequence number (the SSE `id`; null if the server sent none). */
export type OnTaskEvent = (event: TaskEvent, seq: number | null) => void;

/**
 * Reads a task stream until it ends, calling `onEvent` for every event; keepalive comments are
 * skipped by the parser. Aborting `signal` only hangs up: the task goes on on the server, and
 * only `api.cancelTask` stops it.
 */
async function readStream(path: string, init: { method: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> }, onEvent: OnTaskEvent, signal?: AbortSignal): Promise<void> {
  const response = await fetch(path, {
    method: init.method,
    credentials: 'same-origin',
    headers: { ...CLIENT, accept: 'text/event-stream', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal,
  });
  if (!response.ok || !response.body) throw await failure(response);
  const parser = createParser({
    onEvent: (message) => {
      const payload = JSON.parse(message.data) as Record<string, unknown>;
      const seq = message.id === undefined || message.id === '' ? null : Number(message.id);
      onEvent({ type: message.event, ...payload } as TaskEvent, Number.isFinite(seq) ? seq : null);
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}

export const chatStream = (request: ChatRequest, onEvent: OnTaskEvent, signal?: AbortSignal) => readStream('/v1/chat/stream', { method: 'POST', body: request }, onEvent, signal);
export const continueStream = (taskId: string, approvalId: string, onEvent: OnTaskEvent, signal?: AbortSignal) =>
  readStream(`/v1/tasks/${encodeURIComponent(taskId)}/continue/stream`, { method: 'POST', body: { approval_id: approvalId } }, onEvent, signal);
/** The password goes in this one request body and nowhere else; callers must not keep it. */
export const passwordStream = (taskId: string, approvalId: string, password: string, onEvent: OnTaskEvent, signal?: AbortSignal) =>
  readStream(`/v1/tasks/${encodeURIComponent(taskId)}/password/stream`, { method: 'POST', body: { approval_id: approvalId, password } }, onEvent, signal);

/**
 * Follows a task's log from after `after`: `until: 'pause'` ends when it pauses for the person or
 * finishes, `'end'` stays open through pauses (so a decision taken elsewhere shows up live).
 */
export const followStream = (taskId: string, after: number, until: 'pause' | 'end', onEvent: OnTaskEvent, signal?: AbortSignal) =>
  readStream(`/v1/tasks/${encodeURIComponent(taskId)}/stream${query({ until })}`, { method: 'GET', headers: { 'last-event-id': String(after) } }, onEvent, signal);

/** A task as `GET /v1/tasks/{id}` shows it: the chat view reads its status to resume or follow it after a reload. */
export interface TaskInfo {
  task_id: string;
  conversation_id: string;
  workspace: string;
  message: string;
  status: Extract<TaskEvent, { type: 'done' }>['status'];
  created_at: string;
  updated_at: string;
  /** The last event's sequence number in the task's log. */
  last_seq?: number;
}


/** What `GET /v1/conversations/{id}/stream` says: a task started in the conversation, by any client. */
export type ConversationEvent = import('../../src/events/conversation-event.js').ConversationEvent;

/** Watches a conversation for tasks started in it (first those still running or paused) until `signal` hangs up. */
export const watchConversation = (conversationId: string, onEvent: (event: ConversationEvent) => void, signal?: AbortSignal) =>
  readStream(`/v1/conversations/${encodeURIComponent(conversationId)}/stream`, { method: 'GET' }, (event) => onEvent(event as unknown as ConversationEvent), signal);

/** The model's status now and at every change, until `signal` hangs up. */
export const watchModelStatus = (onStatus: (status: ModelStatus) => void, signal?: AbortSignal) =>
  readStream('/v1/models/status/stream', { method: 'GET' }, (event) => onStatus(event as unknown as ModelStatus), signal);

/** A pull's progress until it ends (`done`, `failed`, `cancelled`). */
export const followPull = (id: string, onStatus: (status: PullStatus) => void, signal?: AbortSignal) =>
  readStream(`/v1/models/pulls/${encodeURIComponent(id)}/stream`, { method: 'GET' }, (event) => onStatus(event as unknown as PullStatus), signal);
