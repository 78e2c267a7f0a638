import type { StoredMessage } from '../store/conversations-repo.js';
import type { TaskStatus } from '../events/task-event.js';
import type { ApiClient } from './client/api-client.js';
import type { FollowStart } from './client/task-follow.js';
import { inert } from './inert.js';
import { plural } from './render-events.js';
import type { TextOut } from './text-out.js';

/** How much of the conversation `--resume` shows again: enough to see where it stood. */
const SHOWN_MESSAGES = 6;

/**
 * Prints the end of the conversation as the chat showed it, and returns how to follow its last
 * task when that one has no answer yet (running, paused, or finishing right now): its whole log,
 * replayed from the start, then live. The last task's own message is printed; its answer comes
 * from the log, so that nothing is shown twice.
 */
export async function showConversationEnd(api: ApiClient, out: TextOut, messages: StoredMessage[]): Promise<FollowStart | null> {
  const { dim, cyan } = out.style;
  const last = messages.at(-1);
  const open = last?.role === 'user' && last.task_id ? last : null;
  const shown = messages.slice(-SHOWN_MESSAGES);
  const hidden = messages.length - shown.length;
  if (hidden > 0) out.line(dim(`(${plural(hidden, 'earlier message')})`));
  for (const message of shown) {
    if (message.role === 'user') out.line(`${cyan('›')} ${inert(message.content)}`);
    else {
      out.line(inert(message.content, { multiline: true }));
      out.line();
    }
  }
  if (!open) return null;
  const task = await api.get<{ status: TaskStatus }>(`/v1/tasks/${encodeURIComponent(open.task_id!)}`);
  if (task.status === 'cancelled') {
    out.line(dim('(stopped before it answered)'));
    out.line();
    return null;
  }
  return { follow: open.task_id!, after: 0 };
}

/**
 * How /pending follows a task paused for the person: from its latest request in the log, so that
 * the request is replayed (and asked), or, if another client decided meanwhile, what happened
 * since is shown and followed live. Null when the log has no request (an older server).
 */
export async function followFromPause(api: ApiClient, taskId: string): Promise<FollowStart | null> {
  const events = await api.get<{ seq: number; event_type: string }[]>(`/v1/tasks/${encodeURIComponent(taskId)}/events`);
  const request = events.filter((e) => e.event_type === 'tool_approval_requested' || e.event_type === 'tool_password_requested').at(-1);
  return request ? { follow: taskId, after: request.seq - 1 } : null;
}
