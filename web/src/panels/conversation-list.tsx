import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { fullTime, matches, relativeTime } from './format.js';
import { LoadError } from './panel-error.js';
import { useLoad } from './use-load.js';
import './panels.css';

export interface ConversationListProps {
  workspace: string;
  selectedId: string | null;
  /** null: a new conversation. */
  onSelect(id: string | null): void;
  /** Bumped when a turn changed the list; reload then. */
  version: number;
}

/** The conversations of the current workspace, most recently active first. */
export function ConversationList({ workspace, selectedId, onSelect, version }: ConversationListProps) {
  const [filter, setFilter] = useState('');
  const list = useLoad(() => api.conversations(workspace).then((r) => r.conversations), [workspace, version]);
  const conversations = list.data ?? [];
  const shown = conversations.filter((c) => matches(filter, c.title));

  return (
    <div class="conversations" data-testid="conversations" aria-busy={list.loading}>
      <div class="conversations-head">
        <button type="button" class="primary new-chat" onClick={() => onSelect(null)} data-testid="new-chat">
          + New chat
        </button>
        {conversations.length > 5 && (
          <label class="conversations-filter">
            <span class="visually-hidden">Filter conversations</span>
            <input type="search" placeholder="Filter…" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          </label>
        )}
      </div>
      <LoadError what="conversations" error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <p class="muted panel-note">Loading conversations…</p>}
      {list.data && !conversations.length && <p class="muted panel-note" data-testid="conversations-empty">No conversations in this workspace yet.</p>}
      {conversations.length > 0 && !shown.length && <p class="muted panel-note">No conversation matches “{filter}”.</p>}
      <ul class="conversation-items">
        {shown.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              class={`conversation-item${c.id === selectedId ? ' selected' : ''}`}
              aria-current={c.id === selectedId ? 'true' : undefined}
              onClick={() => onSelect(c.id)}
              data-testid="conversation-item"
              data-id={c.id}
            >
              <span class="conversation-title">{c.title || 'Untitled conversation'}</span>
              <span class="conversation-meta muted">
                <time dateTime={c.updated_at} title={fullTime(c.updated_at)}>
                  {relativeTime(c.updated_at)}
                </time>
                {' · '}
                {c.message_count} {c.message_count === 1 ? 'message' : 'messages'}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
