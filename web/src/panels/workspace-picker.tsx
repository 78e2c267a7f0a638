import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { baseName, errorText, fullTime, relativeTime } from './format.js';
import { Dialog } from './dialog.js';
import { FolderIcon, UpIcon } from './icons.js';
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

type Listing = Awaited<ReturnType<typeof api.directories>>;

function PickerBody({ workspace, onChosen }: { workspace: string; onChosen(path: string): void }) {
  const [typed, setTyped] = useState('');
  const [home, setHome] = useState<string | null>(null);
  const [recent, setRecent] = useState<{ path: string; last_used: string }[] | null>(null);
  const [recentError, setRecentError] = useState<string | null>(null);
  const [chooseError, setChooseError] = useState<string | null>(null);
  const [choosing, setChoosing] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    api.workspaces().then(
      (info) => {
        setHome(info.home);
        setRecent(info.recent);
      },
      (error: unknown) => setRecentError(errorText(error)),
    );
  }, []);

  // "~/code" means the home folder's code, as in a shell; the server takes paths literally.
  const expand = (path: string) => (home && (path === '~' || path.startsWith('~/')) ? home + path.slice(1) : path);

  /** Checks that the folder exists (and is a folder) before the page switches to it. */
  const choose = async (path: string) => {
    const wanted = expand(path.trim());
    if (!wanted) return setChooseError('Type the path of a folder.');
    setChoosing(true);
    setChooseError(null);
    try {
      const listing = await api.directories(wanted);
      onChosen(listing.path);
    } catch (error) {
      setChooseError(errorText(error));
      setChoosing(false);
    }
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
          void choose(typed);
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
            aria-invalid={chooseError ? true : undefined}
            aria-describedby={chooseError ? 'workspace-error' : undefined}
            data-testid="workspace-path"
          />
          <button type="submit" class="primary" disabled={choosing}>
            Open
          </button>
        </div>
      </form>
      {chooseError && (
        <p id="workspace-error" class="panel-error" role="alert" data-testid="workspace-error">
          {chooseError}
        </p>
      )}

      <h3 class="picker-heading">Recent</h3>
      {recentError && <p class="panel-error">Could not load recent workspaces: {recentError}</p>}
      {!recent && !recentError && <p class="muted">Loading…</p>}
      {recent && !recent.length && <p class="muted">No chats yet; recent workspaces appear here.</p>}
      {recent && recent.length > 0 && (
        <ul class="picker-list">
          {recent.map((r) => (
            <li key={r.path}>
              <button type="button" class={`picker-entry${r.path === workspace ? ' selected' : ''}`} title={r.path} onClick={() => void choose(r.path)} data-testid="recent-workspace">
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
      <FolderBrowser start={workspace} busy={choosing} onUse={(path) => void choose(path)} />
    </div>
  );
}

function FolderBrowser({ start, busy, onUse }: { start: string; busy: boolean; onUse(path: string): void }) {
  const [path, setPath] = useState(start);
  const [hidden, setHidden] = useState(false);
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let current = true;
    setLoading(true);
    api.directories(path, hidden).then(
      (result) => {
        if (!current) return;
        setListing(result);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!current) return;
        setError(errorText(failure));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [path, hidden]);

  // Paths come back resolved from the server; children are joined with its separator.
  const sep = listing?.path.includes('\\') && !listing.path.includes('/') ? '\\' : '/';
  const child = (name: string) => (listing!.path.endsWith(sep) ? listing!.path + name : listing!.path + sep + name);

  return (
    <div class="browser" aria-busy={loading} data-testid="folder-browser">
      <div class="browser-bar">
        <code class="browser-path" title={listing?.path ?? path} data-testid="browser-path">
          {listing?.path ?? path}
        </code>
        <label class="browser-hidden">
          <input type="checkbox" checked={hidden} onChange={(e) => setHidden(e.currentTarget.checked)} /> Show hidden
        </label>
      </div>
      {error && (
        <p class="panel-error" role="alert">
          {error}
        </p>
      )}
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
        <button type="button" class="primary" disabled={!listing || loading || busy} onClick={() => listing && onUse(listing.path)} data-testid="use-folder">
          Use this folder
        </button>
      </div>
    </div>
  );
}
