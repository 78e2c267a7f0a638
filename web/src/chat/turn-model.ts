/**
 * One turn of the chat (a user message and everything its task did), built by folding task
 * events into it. The same reducer serves the live stream and the replay of a stored event log,
 * so a reloaded conversation looks exactly like the one watched live.
 */
import type { GenerationStats, TaskEvent, TaskStatus } from '../../../src/events/task-event.js';
import { alwaysOffer, type AlwaysOffer } from '../../../src/tools/always-offer.js';

export type Stage = Extract<TaskEvent, { type: 'runtime_status' }>['stage'];
export type RiskLevel = Extract<TaskEvent, { type: 'tool_approval_requested' }>['risk_level'];
/** `sending`: the request is on its way and no event has come back yet. */
export type TurnStatus = 'sending' | TaskStatus;
export type Decision = 'allow_once' | 'allow_always' | 'deny';

export interface ToolCallItem {
  kind: 'tool';
  id: string;
  tool: string;
  args: Record<string, unknown>;
  state: 'running' | 'ok' | 'failed';
  output: string;
  truncated: boolean;
  /** It ran without asking, under this "always allow" rule of the person's. */
  rule?: RuleNote;
}

export type RuleNote = NonNullable<Extract<TaskEvent, { type: 'tool_call_started' }>['approved_by_rule']>;

export interface ApprovalItem {
  kind: 'approval';
  id: string;
  tool: string;
  args: Record<string, unknown>;
  reason: string;
  riskLevel: RiskLevel;
  actionType: string;
  /** sudo: asks for the password next, and can never be "always allowed". */
  needsPassword: boolean;
  /** The server's word on whether "always allow" would make a rule (absent in older logs). */
  alwaysOffered?: boolean;
  /** `deciding`: the decision is being sent; `decided` waits for "Continue" (decided elsewhere, or before a reload). */
  state: 'pending' | 'deciding' | 'allowed' | 'allowed_always' | 'denied' | 'cancelled';
  /** Decided but the task was never continued: the card offers to continue it. */
  resumable: boolean;
  /** Why the last decision could not be sent. */
  error?: string;
  /** A file write or edit: the unified diff of exactly what it would change. */
  diff?: string;
}

/** A file write or edit that was applied, which the person can undo. */
export interface FileChangeItem {
  kind: 'change';
  /** The change id: what an undo names. */
  id: string;
  callId: string;
  tool: string;
  path: string;
  created: boolean;
  diff: string;
  /** `undoing`: the undo is on its way; `undone`: by this page or any other client. */
  state: 'applied' | 'undoing' | 'undone';
  /** The client that undid it, when another one said so. */
  undoneVia?: string;
  /** Why the last undo was refused (the file changed since, …); the button stays usable. */
  error?: string;
}

/** What this approval's "always" would cover, or null when it offers none (sudo, or the reason says so). */
export const offerFor = (item: ApprovalItem): AlwaysOffer | null => alwaysOffer({ tool: item.tool, needs_password: item.needsPassword, reason: item.reason, ...(item.alwaysOffered !== undefined ? { always_offered: item.alwaysOffered } : {}) });

export interface NoteItem {
  kind: 'note';
  id: string;
  tone: 'info' | 'warn' | 'denied';
  text: string;
  detail?: string;
}

export type TimelineItem = ToolCallItem | ApprovalItem | NoteItem | FileChangeItem;

export interface PasswordRequest {
  approvalId: string;
  tool: string;
  args: Record<string, unknown>;
  reason: string;
  attempt: number;
  /** How many tries sudo gets before the command counts as failed (absent in older logs). */
  maxAttempts?: number;
}

export interface Turn {
  /** Stable across the turn's life: the task id once known, a local id before. */
  key: string;
  taskId: string | null;
  userText: string;
  status: TurnStatus;
  stage: { stage: Stage; detail?: string } | null;
  /** Tool calls, approvals and notes, in the order they happened, before the answer. */
  items: TimelineItem[];
  reasoning: string;
  answer: string;
  stats: GenerationStats | null;
  error: { code: string; message: string } | null;
  password: PasswordRequest | null;
  /** What the task remembered or learned once it finished (seen in the stored log). */
  afterNotes: NoteItem[];
  /** The sequence number of the last logged event folded in: a follower resumes after it, and older ones are dropped. */
  seq: number;
  /** Stop was asked for (here or on another client) and the task has not ended yet. */
  stopping: boolean;
}

/** Things only the page knows: a decision being sent, a Stop asked for, a stream that broke. */
export type LocalEvent =
  | { type: 'local_decision'; approvalId: string; state: ApprovalItem['state']; error?: string }
  | { type: 'local_undo'; changeId: string; state: FileChangeItem['state']; error?: string }
  | { type: 'local_password_sent' }
  | { type: 'local_stopping' }
  | { type: 'local_cancelled' }
  | { type: 'local_error'; code: string; message: string }
  | { type: 'local_status'; status: TurnStatus };

export type TurnEvent = TaskEvent | LocalEvent;

const TERMINAL: ReadonlySet<TurnStatus> = new Set(['completed', 'failed', 'cancelled']);
export const isTerminal = (status: TurnStatus) => TERMINAL.has(status);
export const isPaused = (status: TurnStatus | Stage): status is 'waiting_for_approval' | 'waiting_for_password' => status === 'waiting_for_approval' || status === 'waiting_for_password';

export function newTurn(key: string, userText: string): Turn {
  return { key, taskId: null, userText, status: 'sending', stage: null, items: [], reasoning: '', answer: '', stats: null, error: null, password: null, afterNotes: [], seq: 0, stopping: false };
}

const DECIDED: Record<Extract<TaskEvent, { type: 'approval_decided' }>['decision'], ApprovalItem['state']> = { allow_once: 'allowed', allow_always: 'allowed_always', deny: 'denied' };

/**
 * Folds an event from the task's log: one at or below the turn's `seq` was folded in already (a
 * replay after a reconnect, or a second stream of the same task), so applying is idempotent.
 */
export function applyLogged(turn: Turn, event: TurnEvent, seq: number | null): Turn {
  if (seq === null) return applyEvent(turn, event);
  if (seq <= turn.seq) return turn;
  return { ...applyEvent(turn, event), seq };
}

/** A short human name for what a tool call does: the command line for the shell. */
export function describeCall(tool: string, args: Record<string, unknown>): string {
  if (typeof args.command === 'string') return args.command;
  if (typeof args.path === 'string') return `${tool.replace(/_/g, ' ')} ${args.path}`;
  return tool;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What an undo the server refused leaves on the row: one another client undid meanwhile is undone;
 * any other refusal (the file changed since) keeps Undo, with the server's words beside it.
 */
export function undoRefused(changeId: string, failure: { code: string; message: string }): LocalEvent {
  if (failure.code === 'already_undone') return { type: 'local_undo', changeId, state: 'undone' };
  return { type: 'local_undo', changeId, state: 'applied', error: failure.message };
}

function updateChange(items: TimelineItem[], changeId: string, change: (item: FileChangeItem) => FileChangeItem): TimelineItem[] {
  return items.map((item) => (item.kind === 'change' && item.id === changeId ? change(item) : item));
}

function updateApproval(items: TimelineItem[], approvalId: string, change: (item: ApprovalItem) => ApprovalItem): TimelineItem[] {
  return items.map((item) => (item.kind === 'approval' && item.id === approvalId ? change(item) : item));
}

/** The last tool call, when it failed: the run sudo refused for a wrong password. */
function dropRefusedCall(turn: Turn): Turn {
  let index = turn.items.length - 1;
  while (index >= 0 && turn.items[index]!.kind !== 'tool') index--;
  const call = turn.items[index];
  if (!call || call.kind !== 'tool' || call.state !== 'failed') return turn;
  return { ...turn, items: turn.items.filter((_, i) => i !== index) };
}

function note(turn: Turn, tone: NoteItem['tone'], text: string, detail?: string): Turn {
  const item: NoteItem = { kind: 'note', id: `n${turn.items.length}`, tone, text, ...(detail ? { detail } : {}) };
  return { ...turn, items: [...turn.items, item] };
}

function afterNote(turn: Turn, text: string, detail?: string): Turn {
  const item: NoteItem = { kind: 'note', id: `a${turn.afterNotes.length}`, tone: 'info', text, ...(detail ? { detail } : {}) };
  return { ...turn, afterNotes: [...turn.afterNotes, item] };
}

/** Folds one event into a turn; unknown or debug-only events leave it as it was. */
export function applyEvent(turn: Turn, event: TurnEvent): Turn {
  const started: Turn = 'task_id' in event && !turn.taskId ? { ...turn, taskId: event.task_id } : turn;
  // The first event from the server says the task runs; the page's own events do not.
  const t: Turn = started.status === 'sending' && 'task_id' in event ? { ...started, status: 'running' } : started;
  switch (event.type) {
    case 'runtime_status': {
      // Working again after a pause: the task was continued, maybe from another client.
      const status: TurnStatus = isPaused(event.stage) ? event.stage : isPaused(t.status) ? 'running' : t.status;
      return { ...t, status, stage: { stage: event.stage, ...(event.detail ? { detail: event.detail } : {}) } };
    }
    case 'skill_activated':
      return note(t, 'info', `Skill: ${event.skill}`);
    case 'recall_completed':
      if (event.candidates === 0) return t;
      // The judge may stop at its route, before naming memories: the answer then had all candidates.
      if (!event.relevant_memory_ids.length) return note(t, 'info', `Recalled ${plural(event.candidates, 'memory', 'memories')}`);
      return note(t, 'info', `Recalled ${plural(event.relevant_memory_ids.length, 'relevant memory', 'relevant memories')} of ${event.candidates}`);
    case 'reply_cut':
      return note(t, 'warn', event.role === 'thinker' ? 'The answer was cut off at its length limit' : `The model's ${event.role} reply was cut off at its length limit`);
    case 'recall_failed':
      return note(t, 'warn', 'Recalling memories failed', event.message);
    case 'experience_applied':
      return note(t, 'info', `Using ${plural(event.lessons.length, 'lesson')} from earlier tasks`, event.lessons.join('\n'));
    case 'action_step_limit':
      return note(t, 'warn', `Stopped acting after ${plural(event.steps, 'step')}`);
    case 'tool_server_unavailable':
      return note(t, 'warn', `The tool server "${event.server}" is unavailable`, event.message);
    case 'tool_call_started': {
      const item: ToolCallItem = {
        kind: 'tool',
        id: event.call_id,
        tool: event.tool,
        args: event.args,
        state: 'running',
        output: '',
        truncated: false,
        ...(event.approved_by_rule ? { rule: event.approved_by_rule } : {}),
      };
      return { ...t, items: [...t.items, item], stage: { stage: 'running_tool', detail: describeCall(event.tool, event.args) } };
    }
    case 'tool_call_finished':
      return {
        ...t,
        items: t.items.map((item) =>
          item.kind === 'tool' && item.id === event.call_id ? { ...item, state: event.ok ? 'ok' : 'failed', output: event.output, truncated: event.truncated } : item,
        ),
      };
    case 'file_changed': {
      const item: FileChangeItem = { kind: 'change', id: event.change_id, callId: event.call_id, tool: event.tool, path: event.path, created: event.created, diff: event.diff, state: 'applied' };
      // Right after the call that made it, else (an older log's order) at the end.
      const items = t.items.filter((i) => !(i.kind === 'change' && i.id === item.id));
      const call = items.findIndex((i) => i.kind === 'tool' && i.id === event.call_id);
      return { ...t, items: call < 0 ? [...items, item] : [...items.slice(0, call + 1), item, ...items.slice(call + 1)] };
    }
    case 'file_change_undone':
      return { ...t, items: updateChange(t.items, event.change_id, (c) => ({ ...c, state: 'undone', error: undefined, ...(event.via ? { undoneVia: event.via } : {}) })) };
    case 'tool_approval_requested': {
      const item: ApprovalItem = {
        kind: 'approval',
        id: event.approval_id,
        tool: event.tool,
        args: event.args,
        reason: event.reason,
        riskLevel: event.risk_level,
        actionType: event.action_type,
        // Events stored before the flag existed: a sudo command is the one case that needs it.
        needsPassword: event.needs_password ?? /(^|[\s;&|(])sudo\s/.test(String(event.args.command ?? '')),
        state: 'pending',
        resumable: false,
        ...(event.diff !== undefined ? { diff: event.diff } : {}),
        ...(event.always_offered !== undefined ? { alwaysOffered: event.always_offered } : {}),
      };
      return { ...t, status: 'waiting_for_approval', items: [...t.items.filter((i) => !(i.kind === 'approval' && i.id === item.id)), item] };
    }
    case 'tool_password_requested': {
      const { approval_id: approvalId, tool, args, reason, attempt, max_attempts: maxAttempts } = event;
      const items = updateApproval(t.items, approvalId, (a) => (a.state === 'pending' || a.state === 'deciding' ? { ...a, state: 'allowed' } : a));
      return { ...t, items, status: 'waiting_for_password', password: { approvalId, tool, args, reason, attempt, ...(maxAttempts ? { maxAttempts } : {}) } };
    }
    case 'tool_denied':
      return { ...t, items: updateApproval(t.items, event.approval_id, (a) => ({ ...a, state: 'denied', resumable: false })) };
    case 'task_resumed': {
      const denied = event.decision === 'denied';
      const items = updateApproval(t.items, event.approval_id, (a) => ({
        ...a,
        resumable: false,
        state: denied ? 'denied' : a.state === 'allowed_always' ? a.state : 'allowed',
      }));
      return { ...t, items, password: null, status: isPaused(t.status) ? 'running' : t.status };
    }
    case 'approval_decided': {
      const state = event.decided_by === 'cancellation' ? 'cancelled' : DECIDED[event.decision];
      // Decided by a person but not continued yet: the card offers to continue; `task_resumed` clears it.
      const resumable = event.decided_by === 'person' && t.status === 'waiting_for_approval';
      return { ...t, items: updateApproval(t.items, event.approval_id, (a) => ({ ...a, state, resumable, error: undefined })) };
    }
    case 'password_attempt':
      if (event.accepted) return { ...t, password: null, status: isPaused(t.status) ? 'running' : t.status };
      // The refused run was sudo saying no, not the command: a note replaces its failed call.
      return note(dropRefusedCall(t), 'warn', `The sudo password was not accepted (attempt ${event.attempt})`);
    case 'cancel_requested':
    case 'local_stopping':
      return isTerminal(t.status) ? t : { ...t, stopping: true };
    case 'reasoning_delta':
      return { ...t, reasoning: t.reasoning + event.delta };
    case 'content_delta':
      return { ...t, answer: t.answer + event.delta };
    case 'error':
      return { ...t, error: { code: event.code, message: event.message } };
    case 'done': {
      const finished = isTerminal(event.status);
      return {
        ...t,
        status: event.status,
        stats: event.generation_stats,
        stage: finished ? null : t.stage,
        password: event.status === 'waiting_for_password' ? t.password : null,
        stopping: finished ? false : t.stopping,
      };
    }
    case 'memory_stored':
      return afterNote(t, 'Remembered', event.text);
    case 'memory_updated':
      return afterNote(t, 'Updated a memory', `${event.previous_text} → ${event.text}`);
    case 'memory_superseded':
      return afterNote(t, 'Replaced a memory', `${event.superseded_text} → ${event.text}`);
    case 'memory_merged':
      return afterNote(t, 'Already known', event.text);
    case 'reflection_completed':
      return afterNote(t, 'Learned a lesson', event.lesson);
    case 'local_decision':
      return { ...t, items: updateApproval(t.items, event.approvalId, (a) => ({ ...a, state: event.state, resumable: false, error: event.error })) };
    case 'local_undo':
      // The log's own file_change_undone may have come first: undone stays undone.
      return { ...t, items: updateChange(t.items, event.changeId, (c) => (c.state === 'undone' ? c : { ...c, state: event.state, error: event.error })) };
    case 'local_password_sent':
      return { ...t, password: null, status: 'running', stage: { stage: 'running_tool', detail: t.password ? describeCall(t.password.tool, t.password.args) : undefined } };
    case 'local_cancelled':
      return {
        ...t,
        status: 'cancelled',
        stage: null,
        password: null,
        stopping: false,
        items: t.items.map((item) => (item.kind === 'approval' && (item.state === 'pending' || item.state === 'deciding') ? { ...item, state: 'cancelled' } : item)),
      };
    case 'local_error':
      return { ...t, status: isTerminal(t.status) ? t.status : 'failed', stage: null, stopping: false, error: { code: event.code, message: event.message } };
    case 'local_status':
      return { ...t, status: event.status, stage: isTerminal(event.status) ? null : t.stage };
    default:
      return t;
  }
}
