/**
 * Rebuilds a stored conversation as turns: its messages, each task's event log replayed through
 * the same reducer as the live stream, and the real state of a task that is still paused or
 * running, so that a person can decide on an approval after a reload; the chat then follows such
 * a task from the last event replayed.
 */
import { api, type Approval, type StoredEvent, type StoredMessage, type TaskEvent } from '../api.js';
import { applyLogged, isTerminal, newTurn, type ApprovalItem, type Turn } from './turn-model.js';

export const fromStored = (event: StoredEvent): TaskEvent => ({ ...event.payload, type: event.event_type, task_id: event.task_id }) as TaskEvent;

interface Exchange {
  key: string;
  taskId: string | null;
  user?: StoredMessage;
  assistant?: StoredMessage;
}

function exchanges(messages: StoredMessage[]): Exchange[] {
  const list: Exchange[] = [];
  const byTask = new Map<string, Exchange>();
  for (const [i, message] of messages.entries()) {
    let exchange = message.task_id ? byTask.get(message.task_id) : undefined;
    if (!exchange) {
      exchange = { key: message.task_id ?? `message-${i}`, taskId: message.task_id };
      list.push(exchange);
      if (message.task_id) byTask.set(message.task_id, exchange);
    }
    exchange[message.role] = message;
  }
  return list;
}

/**
 * Replays one task's log onto its turn, which records the last `seq` so that a follower of a task
 * still running goes on from there. The stored answer wins over merged deltas when both exist.
 */
export function replay(exchange: Exchange, events: StoredEvent[]): Turn {
  let turn = events.reduce((t, e) => applyLogged(t, fromStored(e), e.seq), newTurn(exchange.key, exchange.user?.content ?? ''));
  turn = { ...turn, taskId: exchange.taskId };
  if (exchange.assistant) {
    turn = { ...turn, answer: exchange.assistant.content || turn.answer };
    if (!events.length) turn = { ...turn, status: exchange.assistant.status === 'completed' ? 'completed' : 'failed' };
  } else if (!events.length) {
    turn = { ...turn, status: 'failed' };
  }
  return turn;
}

/**
 * A turn whose log ends paused or running is checked against the task itself: it may have been
 * cancelled since, or its approval decided in another window without being continued.
 */
async function settle(turn: Turn, pending: Approval[]): Promise<Turn> {
  if (!turn.taskId || isTerminal(turn.status)) return turn;
  const task = await api.task(turn.taskId);
  if (isTerminal(task.status)) {
    return {
      ...turn,
      status: task.status,
      stage: null,
      password: null,
      items: turn.items.map((item) => (item.kind === 'approval' && (item.state === 'pending' || item.state === 'deciding') ? { ...item, state: 'cancelled' } : item)),
    };
  }
  if (task.status === 'waiting_for_approval') {
    const last = [...turn.items].reverse().find((item): item is ApprovalItem => item.kind === 'approval');
    if (!last || pending.some((a) => a.approval_id === last.id)) return { ...turn, status: task.status };
    const approval = await api.approval(last.id);
    if (approval.status === 'allowed' || approval.status === 'denied') {
      const state: ApprovalItem['state'] = approval.status === 'denied' ? 'denied' : 'allowed';
      return { ...turn, status: task.status, items: turn.items.map((item) => (item === last ? { ...last, state, resumable: true } : item)) };
    }
    return { ...turn, status: task.status };
  }
  return { ...turn, status: task.status };
}

export interface LoadedConversation {
  workspace: string;
  turns: Turn[];
}

export async function loadConversation(conversationId: string): Promise<LoadedConversation> {
  const [detail, pending] = await Promise.all([api.conversation(conversationId), api.pendingApprovals()]);
  const turns = await Promise.all(
    exchanges(detail.messages).map(async (exchange) => {
      const events = exchange.taskId ? await api.taskEvents(exchange.taskId) : [];
      return settle(replay(exchange, events), pending);
    }),
  );
  return { workspace: detail.workspace, turns };
}
