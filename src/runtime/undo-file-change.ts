import { rm } from 'node:fs/promises';
import { ConflictError, NotFoundError } from '../errors.js';
import type { TaskEvent } from '../events/task-event.js';
import { readCurrent, writeAtomically } from '../tools/file-bytes.js';
import { neverWritten, sha256 } from '../tools/file-change.js';
import { concernPhrase, judgePath } from '../tools/outside-workspace.js';
import { isWithin } from '../tools/workspace-path.js';
import type { RuntimeDeps } from './runtime-deps.js';

export interface UndoneChange {
  change_id: string;
  path: string;
  undone_at: string;
}

/**
 * A person's undo of an applied file write or edit: the file gets back exactly the bytes it had
 * (a file the change created is removed; folders it made stay). Refused when the file is no
 * longer what the change left, since restoring would throw away whatever changed it since.
 */
export async function undoFileChange(deps: Pick<RuntimeDeps, 'store' | 'taskLog' | 'protectedPaths'>, changeId: string, via: string | undefined): Promise<UndoneChange> {
  const { fileChanges, tasks } = deps.store;
  const change = fileChanges.get(changeId);
  if (!change) throw new NotFoundError(`Unknown file change: ${changeId}`);
  if (change.undone_at) throw new ConflictError(`Change ${changeId} to ${change.path} was already undone (${change.undone_at}).`, 'already_undone');
  const changedSince = (why: string) => new ConflictError(`${change.path} ${why} since ducklm changed it, so undoing would lose that; nothing was restored.`, 'file_changed_since');

  // Judged again: an undo writes where the change wrote and nowhere else, never into ducklm's data.
  const protectedPaths = deps.protectedPaths ?? [];
  const judged = await judgePath(change.path, { workspace: change.workspace, protectedPaths });
  const never = await neverWritten(judged, protectedPaths);
  if (never === 'protected' || never === 'process_data') throw new ConflictError(`${change.path} ${concernPhrase(never)}; ducklm never writes there.`, 'refused');
  if (never === 'hard_link') throw changedSince('got a second name (a hard link)');
  if (judged.real !== change.path || (isWithin(change.workspace, change.path) && !judged.inside)) throw changedSince('now leads elsewhere (a link was swapped in)');

  const current = await readCurrent(change.path);
  if (current.kind === 'absent') throw changedSince('was removed');
  if (current.kind !== 'file') throw changedSince(current.kind === 'other' ? `was replaced by ${current.what}` : 'grew past what ducklm edits');
  if (sha256(current.bytes) !== change.after_sha256) throw changedSince('was changed');

  if (change.before === null) await rm(change.path);
  else {
    const refusal = await writeAtomically(change.path, change.before, current.mode, async () => {
      const now = await readCurrent(change.path);
      return now.kind === 'file' && sha256(now.bytes) === change.after_sha256 ? null : 'changed';
    });
    if (refusal) throw changedSince('was changed');
  }

  const record = (append?: (event: TaskEvent) => number) => {
    const undoneAt = fileChanges.markUndone(changeId);
    if (!undoneAt) throw new ConflictError(`Change ${changeId} to ${change.path} was already undone.`, 'already_undone');
    append?.({ type: 'file_change_undone', task_id: change.task_id, change_id: changeId, path: change.path, ...(via ? { via } : {}) });
    append?.({
      type: 'command_audit',
      task_id: change.task_id,
      tool: 'file_undo',
      command: `file_undo ${change.path} (${change.before === null ? 'removed the file it created' : `restored ${change.before.length} bytes`})`,
      risk_level: 'low',
      action_type: 'file_write',
      approved: true,
      approved_by: 'person',
      outcome: 'ran',
      exit_code: null,
      duration_ms: null,
      sudo: false,
    });
    return undoneAt;
  };
  // A change outlives the chat it came from; with its task gone there is no log to tell.
  const undoneAt = tasks.get(change.task_id) ? deps.taskLog.transact(change.task_id, (append) => record(append)) : deps.store.db.transaction(() => record())();
  return { change_id: changeId, path: change.path, undone_at: undoneAt };
}
