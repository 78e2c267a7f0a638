import { shownPath } from '../tools/diff-lines.js';
import type { FileChange } from '../http/file-change-wire.js';
import type { ApiClient } from './client/api-client.js';
import { inert } from './inert.js';
import { plural } from './render-events.js';
import { formatTable, localTime } from './table.js';
import type { Style } from './terminal.js';


export async function conversationChanges(api: ApiClient, conversationId: string): Promise<FileChange[]> {
  const { changes } = await api.get<{ changes: FileChange[] }>('/v1/file-changes', { conversation_id: conversationId });
  return changes;
}

/** The changes `/undo N` can name: those still applied, newest first (1: the last). */
export const undoable = (changes: FileChange[]): FileChange[] => changes.filter((change) => change.undone_at === null);

/** "edited notes.txt" / "created notes.txt": inert, the path as its diff names it. */
export const changeText = (change: Pick<FileChange, 'created' | 'path' | 'diff'>): string => `${change.created ? 'created' : 'edited'} ${inert(shownPath(change))}`;

/**
 * What `/changes` prints: every change of the conversation, newest first; those still applied
 * numbered as `/undo N` names them, the undone ones marked so.
 */
export function changesTable(changes: FileChange[], style: Style, width?: number): string {
  let n = 0;
  const rows = changes.map((change) => [
    change.undone_at === null ? String(++n) : '',
    change.undone_at === null ? (change.created ? 'created' : 'edited') : 'undone',
    localTime(change.created_at),
    shownPath(change),
  ]);
  return formatTable(['#', 'change', 'when', 'file'], rows, style, width);
}

/** Said when `/undo N` names no applied change. */
export function nothingToUndo(changes: FileChange[], n: number): string {
  const left = undoable(changes).length;
  if (!changes.length) return 'Nothing to undo: no file was written or edited in this conversation.';
  if (!left) return `Nothing to undo: ${changes.length === 1 ? 'its one change was' : `all ${changes.length} changes were`} undone already.`;
  return `/undo ${n}: only ${plural(left, 'change')} can be undone; /changes lists them.`;
}
