import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Dialog } from './dialog.js';
import { useFocusOnMount } from './focus.js';
import { baseName, fullTime, relativeTime } from './format.js';
import { FolderIcon, UpIcon } from './icons.js';
import { ErrorLine } from './panel-error.js';
import { useAction } from './use-action.js';
import { useLoad } from './use-load.js';
import './panels.css';

export interface WorkspacePickerProps {
  workspace: string;
  onChange(path: string): void;
}

/** The header's workspace button and the dialog that changes it. */
export function WorkspacePicker({ workspace, onChange }: WorkspacePickerProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="workspace-button" title={workspace} aria-haspopup="dialog" aria-label={`Workspace: ${workspace}. Change workspace`} onClick={() => setOpen(true)}>
        <FolderIcon />
        <span class="workspace-name" data-testid="workspace">
          {baseName(workspace)}
        </span>
      </button>
      {open && (
        <Dialog title="Choose a workspace" onClose={() => setOpen(false)} testId="workspace-dialog">
          <PickerBody
            workspace={workspace}
            onChosen={(path) => {
              setOpen(false);
              if (path !== workspace) onChange(path);
            }}
          />
        </Dialog>
      )}
    </>
  );
}

function PickerBody({ workspace, onChosen }: { workspace: string; onChosen(path: string): void }) {
  const [typed, setTyped] = useState('');
  const workspaces = useLoad(() => api.workspaces(), []);
  const home = workspaces.data?.home ?? null;
  const recent = workspaces.data?.recent ?? null;
  const recentError = workspaces.error;
  const input = useFocusOnMount<HTMLInputElement>();

  // "~/code" means the home folder's code, as in a shell; the server takes paths literally.
  const expand = (path: string) => (home && (path === '~' || path.startsWith('~/')) ? home + path.slice(1) : path);

  // Listing the folder checks that it exists (and is a folder) before the page switches to it.
  const open = useAction(async (path: string) => onChosen((await api.directories(path)).path));
  const choose = (path: string) => {
    const wanted = expand(path.trim());
    if (!wanted) return open.fail('Type the path of a folder.');
    open.run(wanted);
  };

  return (
    <div class="picker">
      <p class="muted picker-current">
        Now: <code title={workspace}>{workspace}</code>
      </p>
      <form
        class="picker-path"
        onSubmit={(e) => {
          e.preventDefault();
          choose(typed);
        }}
      >
        <label for="workspace-path">Folder path</label>
        <div class="picker-path-row">
          <input
            id="workspace-path"
            ref={input}
            type="text"
            spellcheck={false}
            autocomplete="off"
            placeholder="/home/you/project or ~/project"
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
            aria-invalid={open.error ? true : undefined}
            aria-describedby={open.error ? 'workspace-error' : undefined}
            data-testid="workspace-path"
          />
          <button type="submit" class="primary" disabled={open.busy}>
            Open
          </button>
        </div>
      </form>
      <ErrorLine id="workspace-error" error={open.error} testId="workspace-error" />

      <h3 class="picker-heading">Recent</h3>
      {recentError && <p class="panel-error">Could not load recent workspaces: {recentError}</p>}
      {!recent && !recentError && <p class="muted">Loading…</p>}
      {recent && !recent.length && <p class="muted">No chats yet; recent workspaces appear here.</p>}
      {recent && recent.length > 0 && (
        <ul class="picker-list">
          {recent.map((r) => (
            <li key={r.path}>
              <button type="button" class={`picker-entry${r.path === workspace ? ' selected' : ''}`} title={r.path} onClick={() => choose(r.path)} data-testid="recent-workspace">
                <span class="picker-entry-name">{baseName(r.path)}</span>
                <span class="picker-entry-path muted">{r.path}</span>
                <time class="muted" dateTime={r.last_used} title={fullTime(r.last_used)}>
                  {relativeTime(r.last_used)}
                </time>
              </button>
            </li>
          ))}
        </ul>
      )}

      <h3 class="picker-heading">Browse</h3>
      <FolderBrowser start={workspace} busy={open.busy} onUse={choose} />
    </div>
  );
}

function FolderBrowser({ start, busy, onUse }: { start: string; busy: boolean; onUse(path: string): void }) {
  const [path, setPath] = useState(start);
  const [hidden, setHidden] = useState(false);
  const loaded = useLoad(() => api.directories(path, hidden), [path, hidden]);
  const listing = loaded.data;

  // Paths come back resolved from the server; children are joined with its separator.
  const sep = listing?.path.includes('\\') && !listing.path.includes('/') ? '\\' : '/';
  const child = (name: string) => (listing!.path.endsWith(sep) ? listing!.path + name : listing!.path + sep + name);

  return (
    <div class="browser" aria-busy={loaded.loading} data-testid="folder-browser">
      <div class="browser-bar">
        <code class="browser-path" title={listing?.path ?? path} data-testid="browser-path">
          {listing?.path ?? path}
        </code>
        <label class="browser-hidden">
          <input type="checkbox" checked={hidden} onChange={(e) => setHidden(e.currentTarget.checked)} /> Show hidden
        </label>
      </div>
      <ErrorLine error={loaded.error} />
      {listing && (
        <ul class="picker-list browser-list">
          {listing.parent && (
            <li>
              <button type="button" class="picker-entry folder" onClick={() => setPath(listing.parent!)} aria-label="Up to the parent folder" data-testid="folder-up">
                <UpIcon /> ..
              </button>
            </li>
          )}
          {listing.directories.map((name) => (
            <li key={name}>
              <button type="button" class="picker-entry folder" onClick={() => setPath(child(name))} data-testid="folder-entry">
                <FolderIcon /> {name}
              </button>
            </li>
          ))}
          {!listing.directories.length && <li class="muted browser-empty">No folders inside.</li>}
          {listing.truncated && <li class="muted browser-empty">Only the first {listing.directories.length} folders are shown; type a path to go further.</li>}
        </ul>
      )}
      <div class="browser-actions">
        <button type="button" class="primary" disabled={!listing || loaded.loading || busy} onClick={() => listing && onUse(listing.path)} data-testid="use-folder">
          Use this folder
        </button>
      </div>
    </div>
  );
}
