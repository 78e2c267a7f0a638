import { useState } from 'preact/hooks';
import { api, type Memory, type MemoryLineage, type MemoryPatch } from '../api.js';
import { ConfirmBar } from './confirm.js';
import { useFocusOnMount } from './focus.js';
import { baseName, fullTime, relativeTime } from './format.js';
import { ImportanceField, TypeField } from './memory-fields.js';
import { ErrorLine } from './panel-error.js';
import { useAction } from './use-action.js';
import { useLoad } from './use-load.js';

type Mode = 'view' | 'edit' | 'confirm-delete';

/** One memory: what it says and how it is kept, with edit, history and delete in place. */
export function MemoryItem({ memory, score, onChanged, onDeleted }: { memory: Memory; score?: number; onChanged(memory: Memory): void; onDeleted(id: string): void }) {
  const [mode, setMode] = useState<Mode>('view');
  const [historyOpen, setHistoryOpen] = useState(false);
  const edited = memory.updated_at !== memory.created_at;
  // A memory has a story when it changed, or when a chat wrote it (it may have replaced an older one).
  const hasHistory = edited || memory.source_task_id !== null;

  const remove = useAction(async () => {
    await api.deleteMemory(memory.id);
    onDeleted(memory.id);
  });

  return (
    <li class="memory-item panel-card" data-testid="memory-item" data-id={memory.id}>
      {mode === 'edit' ? (
        <MemoryEditForm
          memory={memory}
          onCancel={() => setMode('view')}
          onSaved={(saved) => {
            setMode('view');
            onChanged(saved);
          }}
        />
      ) : (
        <p class="memory-text">{memory.text}</p>
      )}
      <div class="memory-meta">
        <span class={`panel-tag type-${memory.memory_type}`}>{memory.memory_type}</span>
        <span class={`panel-tag scope-${memory.scope}`} title={memory.workspace ?? memory.conversation_id ?? 'every workspace'}>
          {memory.scope === 'workspace' && memory.workspace ? `workspace: ${baseName(memory.workspace)}` : memory.scope}
        </span>
        {memory.subject && (
          <span class="muted" title="Whom this memory is about: recall puts it first for questions about them">
            about {memory.subject}
          </span>
        )}
        <span class="muted">importance {memory.importance.toFixed(1)}</span>
        {score !== undefined && <span class="muted" title="How well it matches the search (higher is better)">score {score.toFixed(2)}</span>}
        <time class="muted" dateTime={memory.updated_at} title={fullTime(memory.updated_at)}>
          {edited ? 'changed' : 'added'} {relativeTime(memory.updated_at)}
        </time>
        {memory.source_task_id && <span class="muted">learned in a chat</span>}
      </div>
      {mode === 'view' && (
        <div class="panel-actions">
          <button type="button" onClick={() => setMode('edit')}>
            Edit
          </button>
          {hasHistory && (
            <button type="button" aria-expanded={historyOpen} onClick={() => setHistoryOpen(!historyOpen)}>
              History
            </button>
          )}
          <button type="button" class="danger" onClick={() => setMode('confirm-delete')}>
            Delete
          </button>
        </div>
      )}
      {mode === 'confirm-delete' && <ConfirmBar question="Forget this memory for good?" action="Delete" busy={remove.busy} onConfirm={() => remove.run()} onCancel={() => setMode('view')} />}
      <ErrorLine error={remove.error} />
      {historyOpen && <MemoryHistory id={memory.id} version={memory.updated_at} />}
    </li>
  );
}

function MemoryEditForm({ memory, onCancel, onSaved }: { memory: Memory; onCancel(): void; onSaved(memory: Memory): void }) {
  const [text, setText] = useState(memory.text);
  const [type, setType] = useState(memory.memory_type);
  const [importance, setImportance] = useState(memory.importance);
  const ids = `memory-edit-${memory.id}`;
  const focus = useFocusOnMount<HTMLTextAreaElement>();

  const save = useAction(async (patch: MemoryPatch) => onSaved(await api.updateMemory(memory.id, patch)));

  const submit = (e: Event) => {
    e.preventDefault();
    const patch = {
      ...(text.trim() !== memory.text ? { text: text.trim() } : {}),
      ...(type !== memory.memory_type ? { memory_type: type } : {}),
      ...(importance !== memory.importance ? { importance } : {}),
    };
    if (!Object.keys(patch).length) return onCancel();
    if (patch.text === '') return save.fail('A memory cannot be empty; delete it instead.');
    save.run(patch);
  };

  return (
    <form class="memory-edit" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()} aria-label="Edit memory">
      <div class="panel-field">
        <label for={`${ids}-text`}>Text</label>
        <textarea id={`${ids}-text`} ref={focus} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="memory-edit-text" />
      </div>
      <div class="memory-add-options">
        <TypeField id={`${ids}-type`} value={type} onChange={setType} />
        <ImportanceField id={`${ids}-importance`} value={importance} onChange={setImportance} />
        <button type="submit" class="primary" disabled={save.busy} data-testid="memory-edit-save">
          {save.busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onCancel} disabled={save.busy}>
          Cancel
        </button>
      </div>
      <ErrorLine error={save.error} />
    </form>
  );
}

const ACTIONS: Record<MemoryLineage['events'][number]['action'], string> = {
  created: 'created',
  imported: 'imported',
  updated: 'changed; before it said',
  merged: 'reinforced by',
  superseded: 'replaced; it said',
};

/** How a memory came to say what it says: its own changes and the versions of the fact. */
function MemoryHistory({ id, version }: { id: string; version: string }) {
  // Fetched when opened, and again after an edit (the memory's updated_at moves).
  const loaded = useLoad(() => api.memoryHistory(id), [id, version]);
  const lineage = loaded.data;
  const error = loaded.error;
  if (error) return <p class="panel-error">Could not load the history: {error}</p>;
  if (!lineage) return <p class="muted">Loading history…</p>;
  const older = lineage.chain.filter((m) => m.id !== id);
  return (
    <div class="memory-history" data-testid="memory-history">
      <ol>
        {lineage.events.map((event, i) => (
          <li key={i}>
            <time class="muted" dateTime={event.created_at} title={fullTime(event.created_at)}>
              {relativeTime(event.created_at)}
            </time>{' '}
            {ACTIONS[event.action]} <q>{event.text}</q>
          </li>
        ))}
      </ol>
      {older.length > 0 && (
        <>
          <p class="muted">Other versions of this fact:</p>
          <ul>
            {older.map((m) => (
              <li key={m.id}>
                <q>{m.text}</q> <span class="muted">({m.superseded_by ? 'replaced' : 'current'}, {relativeTime(m.created_at)})</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
