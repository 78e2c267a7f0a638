import { shownPath } from '../../../src/tools/diff-lines.js';
import { DiffView } from './diff-view.js';
import type { FileChangeItem } from './turn-model.js';

/**
 * A file write or edit that was applied: the file, created or edited, its diff (folded; a click
 * opens it) and Undo. Undo puts the old bytes back; the server refuses when the file changed since,
 * and the row then says why and keeps the button, so that the person can try again.
 */
export function FileChangeRow({ item, onUndo }: { item: FileChangeItem; onUndo(changeId: string): void }) {
  const undone = item.state === 'undone';
  const verb = item.created ? 'created' : 'edited';
  const path = shownPath(item);
  return (
    <div class={`file-change ${item.state}`} data-testid="file-change" data-state={item.state} data-change-id={item.id} role="group" aria-label={`${verb} ${path}`}>
      <div class="file-change-head">
        <span class="tool-name">{item.tool}</span>
        <span data-testid="file-change-verb">{verb}</span>
        <code data-testid="file-change-path" title={item.path}>
          {path}
        </code>
        {undone ? (
          <span class="file-change-undone undo" data-testid="file-change-undone" role="status">
            Undone{item.undoneVia ? <span class="muted"> ({item.undoneVia})</span> : null}
          </span>
        ) : (
          <button
            type="button"
            class="undo"
            disabled={item.state === 'undoing'}
            aria-busy={item.state === 'undoing'}
            title={item.created ? `Remove ${path}, which this change created` : `Put back ${path} as it was before this change`}
            onClick={() => onUndo(item.id)}
            data-testid="undo-change"
          >
            {item.state === 'undoing' ? 'Undoing…' : 'Undo'}
          </button>
        )}
      </div>
      <details class="file-change-diff">
        <summary>Changes</summary>
        <DiffView diff={item.diff} path={path} created={item.created} />
      </details>
      {item.error && (
        <p class="inline-error" role="alert" data-testid="undo-error">
          {item.error}
        </p>
      )}
    </div>
  );
}
