/**
 * Retry and edit-and-resend replace; they never branch (see the README). A message sent with
 * `replaces: <task id>` takes the place of that turn and of every later one, so the page drops
 * them the moment it sends, and puts them back if the server refuses the message.
 */
import { isTerminal, type Turn } from './turn-model.js';

/** The turns before the one of `taskId`: what stays when it is replaced. All of them if it is not shown. */
export function turnsBefore(turns: Turn[], taskId: string): Turn[] {
  const index = turns.findIndex((t) => t.taskId === taskId);
  return index < 0 ? turns : turns.slice(0, index);
}

/** The turn of `taskId` and every later one: what a message that replaces it takes away. */
export function turnsFrom(turns: Turn[], taskId: string): Turn[] {
  const index = turns.findIndex((t) => t.taskId === taskId);
  return index < 0 ? [] : turns.slice(index);
}

/**
 * Only the last turn is retried, once it has ended (a failed one above all: the model server was
 * down). Retrying an earlier one would throw away later answers the person did not ask about.
 */
export const canRetry = (turn: Turn, turns: Turn[]) => Boolean(turn.taskId) && isTerminal(turn.status) && turns.at(-1) === turn;

/** A message can be edited and sent again once its task has ended; one never started has no task to replace. */
export const canEdit = (turn: Turn) => Boolean(turn.taskId) && isTerminal(turn.status);

/** What sending an edit takes away beyond the message's own answer, said plainly under the box; null when nothing. */
export function replaceNotice(turns: Turn[], key: string): string | null {
  const index = turns.findIndex((t) => t.key === key);
  const later = index < 0 ? 0 : turns.length - index - 1;
  if (!later) return null;
  const what = later === 1 ? 'the later message with its answer' : `the ${later} later messages with their answers`;
  return `Sending replaces this message's answer and ${what}.`;
}

/** The edit box's keys: Ctrl or Cmd with Enter sends, Esc cancels; plain Enter breaks the line. */
export function editKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'isComposing'>): 'send' | 'cancel' | null {
  if (event.isComposing) return null;
  if (event.key === 'Escape') return 'cancel';
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) return 'send';
  return null;
}
