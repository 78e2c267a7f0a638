import { useState } from 'preact/hooks';
import { api, type Memory } from '../api.js';
import { baseName, errorText } from './format.js';
import { ImportanceField, TypeField } from './memory-fields.js';

/** Adds a memory by hand; the server merges it into a near-duplicate instead of storing it twice. */
export function MemoryAddForm({ workspace, onAdded }: { workspace: string; onAdded(memory: Memory, merged: boolean): void }) {
  const [text, setText] = useState('');
  const [type, setType] = useState<Memory['memory_type']>('fact');
  const [scope, setScope] = useState<'global' | 'workspace'>('global');
  const [importance, setImportance] = useState(0.5);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return setError('Write what ducklm should remember.');
    setSaving(true);
    setError(null);
    setNote(null);
    try {
      const memory = await api.addMemory({ text: text.trim(), memory_type: type, scope, workspace, importance });
      // 200 instead of 201: an existing memory said the same and was reinforced; it keeps its own text.
      const merged = memory.created_at !== memory.updated_at || memory.text !== text.trim();
      setNote(merged ? 'A memory saying nearly the same already existed; it was reinforced instead.' : 'Remembered.');
      setText('');
      onAdded(memory, merged);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="memory-add panel-card" onSubmit={submit} aria-label="Add a memory">
      <div class="panel-field memory-add-text">
        <label for="memory-add-text">New memory</label>
        <textarea
          id="memory-add-text"
          rows={2}
          placeholder="e.g. I prefer answers in British English"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          data-testid="memory-add-text"
        />
      </div>
      <div class="memory-add-options">
        <TypeField id="memory-add-type" value={type} onChange={setType} />
        <div class="panel-field">
          <label for="memory-add-scope">Scope</label>
          <select id="memory-add-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as 'global' | 'workspace')}>
            <option value="global">global</option>
            <option value="workspace">only {baseName(workspace)}</option>
          </select>
        </div>
        <ImportanceField id="memory-add-importance" value={importance} onChange={setImportance} />
        <button type="submit" class="primary memory-add-submit" disabled={saving} data-testid="memory-add-submit">
          {saving ? 'Saving…' : 'Remember'}
        </button>
      </div>
      {error && (
        <p class="panel-error" role="alert">
          {error}
        </p>
      )}
      {note && (
        <p class="muted" role="status">
          {note}
        </p>
      )}
    </form>
  );
}
