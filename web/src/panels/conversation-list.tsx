import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ConversationMatch, type ConversationSummary } from '../api.js';
import { ConfirmBar } from './confirm.js';
import { useFocusOnMount } from './focus.js';
import { baseName, fullTime, relativeTime } from './format.js';
import { LoadError } from './panel-error.js';
import { useAction } from './use-action.js';
import { useDebounced, useLoad } from './use-load.js';
import './panels.css';
import './conversation-list.css';

export interface ConversationListProps {
  workspace: string;
  selectedId: string | null;
  /** null: a new conversation. `workspace`: a search found it in another workspace, to switch to. */
  onSelect(id: string | null, workspace?: string): void;
  /** Bumped when a turn changed the list; reload then. */
  version: number;
}

// Long enough not to search on every keystroke, short enough to feel like typing into a filter.
const SEARCH_DELAY_MS = 250;

type Row = ConversationSummary & Partial<Pick<ConversationMatch, 'snippet'>>;

/** Chats (the default), or the questions asked once with `ducklm ask`, which would crowd the chats out. */
type Kind = 'chat' | 'one_off';

/** What a load brought: rows of one list or of a search, so that one is never shown as the other. */
interface Shown {
  what: Kind | 'search';
  rows: Row[];
}

/**
 * The conversations of the current workspace, most recently active first; a search looks through
 * titles and messages of every workspace, both kinds. Each can be renamed in place or deleted
 * after a confirm.
 */
export function ConversationList({ workspace, selectedId, onSelect, version }: ConversationListProps) {
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<Kind>('chat');
  const q = useDebounced(search.trim(), SEARCH_DELAY_MS);
  const searching = search.trim() !== '';
  const list = useLoad<Shown>(
    () => (q ? api.searchConversations(q).then((r) => ({ what: 'search' as const, rows: r.conversations })) : api.conversations(workspace, 100, kind).then((r) => ({ what: kind, rows: r.conversations }))),
    [workspace, version, q, kind],
  );
  // While the box is being cleared, or the kind changes, the last results are not shown as the new list.
  const current = list.data?.what === (searching ? 'search' : kind);
  const rows = current ? list.data!.rows : [];
  const listed = !searching && current;

  // Chatting in a question asked once makes it a chat (the server moves it): the list follows it there.
  const oneOffIds = useRef(new Set<string>());
  useEffect(() => {
    if (list.data?.what !== 'one_off') return;
    const ids = new Set(list.data.rows.map((c) => c.id));
    if (selectedId && oneOffIds.current.has(selectedId) && !ids.has(selectedId)) setKind('chat');
    oneOffIds.current = ids;
  }, [list.data]);
  const switchKind = (next: Kind) => {
    oneOffIds.current = new Set();
    setKind(next);
  };

  const removed = (id: string) => {
    list.mutate((shown) => ({ ...shown, rows: shown.rows.filter((c) => c.id !== id) }));
    if (id === selectedId) onSelect(null);
  };
  const renamed = (summary: ConversationSummary) => list.mutate((shown) => ({ ...shown, rows: shown.rows.map((c) => (c.id === summary.id ? { ...c, title: summary.title } : c)) }));

  return (
    <div class="conversations" data-testid="conversations" aria-busy={list.loading}>
      <div class="conversations-head">
        <button type="button" class="primary new-chat" onClick={() => onSelect(null)} data-testid="new-chat">
          + New chat
        </button>
        <label class="conversations-filter" role="search">
          <span class="visually-hidden">Search all conversations</span>
          <input
            type="search"
            placeholder="Search all chats…"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Escape' && setSearch('')}
            data-testid="conversation-search"
          />
        </label>
      </div>
      {!searching && (
        <p class="conversations-kind">
          {kind === 'one_off' && <span class="conversations-kind-title">Questions asked once (ducklm ask)</span>}
          <button type="button" class="panel-link-button muted" onClick={() => switchKind(kind === 'chat' ? 'one_off' : 'chat')} data-testid="conversations-kind" data-kind={kind}>
            {kind === 'chat' ? 'Show questions asked once (ducklm ask)' : 'Back to chats'}
          </button>
        </p>
      )}
      <LoadError what="conversations" error={list.error} onRetry={list.reload} />
      {list.loading && !current && <p class="muted panel-note">Loading conversations…</p>}
      {listed && !q && !rows.length && (
        <p class="muted panel-note" data-testid="conversations-empty">
          {kind === 'chat' ? 'No conversations in this workspace yet.' : 'No questions asked once in this workspace.'}
        </p>
      )}
      {searching && q === search.trim() && !list.loading && !rows.length && (
        <p class="muted panel-note" data-testid="conversations-no-match">
          No conversation mentions “{q}”.
        </p>
      )}
      <ul class="conversation-items" data-mode={searching ? 'search' : 'list'} data-kind={searching ? undefined : kind}>
        {rows.map((c) => (
          <ConversationRow key={c.id} row={c} here={c.workspace === workspace} selected={c.id === selectedId} onSelect={onSelect} onRenamed={renamed} onDeleted={removed} />
        ))}
      </ul>
    </div>
  );
}

interface RowProps {
  row: Row;
  /** In the page's workspace: no need to say where it is. */
  here: boolean;
  selected: boolean;
  onSelect(id: string, workspace?: string): void;
  onRenamed(summary: ConversationSummary): void;
  onDeleted(id: string): void;
}

function ConversationRow({ row, here, selected, onSelect, onRenamed, onDeleted }: RowProps) {
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm'>('view');
  const [draft, setDraft] = useState(row.title);
  const rename = useAction(async (title: string) => {
    onRenamed(await api.renameConversation(row.id, title));
    setMode('view');
  });
  const remove = useAction(async () => {
    await api.deleteConversation(row.id);
    onDeleted(row.id);
  });
  const title = row.title || 'Untitled conversation';
  const error = rename.error ?? remove.error;

  const save = (e: Event) => {
    e.preventDefault();
    const value = draft.trim();
    if (!value) return rename.fail('A title needs at least one character.');
    if (value === row.title) return setMode('view');
    rename.run(value);
  };

  return (
    <li class="conversation-row" data-testid="conversation-row" data-id={row.id}>
      {mode === 'rename' ? (
        <RenameForm id={row.id} draft={draft} busy={rename.busy} onInput={setDraft} onSave={save} onCancel={() => setMode('view')} />
      ) : (
        <button
          type="button"
          class={`conversation-item${selected ? ' selected' : ''}`}
          aria-current={selected ? 'true' : undefined}
          onClick={() => onSelect(row.id, here ? undefined : row.workspace)}
          data-testid="conversation-item"
          data-id={row.id}
        >
          <span class="conversation-title">{title}</span>
          {row.snippet && (
            <span class="conversation-snippet muted" data-testid="conversation-snippet">
              {row.snippet}
            </span>
          )}
          <span class="conversation-meta muted">
            <time dateTime={row.updated_at} title={fullTime(row.updated_at)}>
              {relativeTime(row.updated_at)}
            </time>
            {' · '}
            {row.message_count} {row.message_count === 1 ? 'message' : 'messages'}
            {!here && (
              <span title={row.workspace} data-testid="conversation-workspace">
                {' · in '}
                {baseName(row.workspace)}
              </span>
            )}
          </span>
        </button>
      )}
      {mode === 'view' && (
        <span class="conversation-actions">
          <button
            type="button"
            class="icon-button"
            aria-label={`Rename “${title}”`}
            title="Rename"
            onClick={() => {
              setDraft(row.title);
              setMode('rename');
            }}
            data-testid="conversation-rename"
          >
            ✎
          </button>
          <button type="button" class="icon-button" aria-label={`Delete “${title}”`} title="Delete" onClick={() => setMode('confirm')} data-testid="conversation-delete">
            ×
          </button>
        </span>
      )}
      {mode === 'confirm' && (
        <ConfirmBar question="Delete this conversation?" action="Delete" busy={remove.busy} onConfirm={() => remove.run()} onCancel={() => setMode('view')} />
      )}
      {error && (
        <p class="conversation-error" role="alert" data-testid="conversation-error">
          {error}
        </p>
      )}
    </li>
  );
}

/** The title in place of the item, focused and selected: Enter saves, Esc keeps the old one. */
function RenameForm({ id, draft, busy, onInput, onSave, onCancel }: { id: string; draft: string; busy: boolean; onInput(value: string): void; onSave(e: Event): void; onCancel(): void }) {
  const field = useFocusOnMount<HTMLInputElement>();
  return (
    <form class="conversation-rename" onSubmit={onSave} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <label class="visually-hidden" for={`title-${id}`}>
        New title
      </label>
      <input id={`title-${id}`} ref={field} value={draft} maxLength={200} onInput={(e) => onInput(e.currentTarget.value)} data-testid="conversation-title-input" />
      <button type="submit" class="primary" disabled={busy} data-testid="conversation-title-save">
        Save
      </button>
      <button type="button" disabled={busy} onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
