import type { StoredMessage } from '../store/conversations-repo.js';
import { inert } from './inert.js';
import { plural } from './render-events.js';

/**
 * A message of the person's that `/retry` or `/edit` sends again: the task it started names the
 * exchange the new message replaces (the server's `replaces`), and with it every later one.
 */
export interface Turn {
  message: string;
  taskId: string;
  /** How many of the person's messages come after it: they are replaced too. */
  later: number;
  /** An answer of the model follows it (a failed or stopped task may have none). */
  answered: boolean;
}

/**
 * The person's Nth-last message (1: the last), from the conversation as the server shows it
 * (replaced exchanges already left out). Null when there are fewer than N.
 */
export function nthLastTurn(messages: StoredMessage[], n: number): Turn | null {
  const turns = messages.flatMap((m, i) => (m.role === 'user' && m.task_id ? [{ m, i }] : []));
  const found = turns.at(-n);
  if (n < 1 || !found) return null;
  const next = messages[found.i + 1];
  return { message: found.m.content, taskId: found.m.task_id!, later: n - 1, answered: next?.role === 'assistant' };
}

/** `/edit`'s dim line before the prompt: what Enter will replace, and how to keep it all. */
export function editNote(later: number): string {
  const what = later === 0 ? 'this message and its answer' : `this message and the ${plural(later, 'message')} after it, with their answers`;
  return `Enter replaces ${what} · an empty line or Ctrl-C keeps ${later === 0 ? 'it' : 'them'}`;
}

/** `/retry`'s dim line: which message goes again, and what it replaces. */
export function retryNote(turn: Turn): string {
  return `retrying "${preview(turn.message)}" · ${turn.answered ? 'replaces the last answer' : 'in place of the try that got no answer'}`;
}

const PREVIEW_CHARS = 60;

/** A message on part of one line: its first line, cut, inert. */
export function preview(text: string): string {
  const lines = text.trim().split(/\r\n|\n|\r/);
  const first = lines[0]!;
  const cut = first.length > PREVIEW_CHARS ? `${first.slice(0, PREVIEW_CHARS)}…` : lines.length > 1 ? `${first} …` : first;
  return inert(cut);
}

/** Stands for a line break while a message is edited on one line (the prompt line). */
export const NEWLINE_MARK = '↵';

/**
 * A message as the one-line editor shows it. A line break would end the line (readline sends
 * it), so it shows as ↵ and comes back as a line break; a tab becomes a space (readline cannot
 * place the cursor after one); any other control character shows as an escape, as everywhere,
 * and stays that text.
 */
export function toEditLine(message: string): string {
  return inert(message.replace(/\r\n|\n|\r/g, NEWLINE_MARK).replace(/\t/g, ' '));
}

/** The edited line back as a message: each ↵ a line break again. */
export function fromEditLine(line: string): string {
  return line.split(NEWLINE_MARK).join('\n').trim();
}
