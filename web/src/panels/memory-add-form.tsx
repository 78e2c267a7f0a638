import { useState } from 'preact/hooks';
import { api, type Memory, type NewMemory } from '../api.js';
import { baseName } from './format.js';
import { ImportanceField, TypeField } from './memory-fields.js';
import { ErrorLine } from './panel-error.js';
import { useAction } from './use-action.js';

/** Adds a memory by hand; the server merges it into a near-duplicate instead of storing it twice. */
export function MemoryAddForm({ workspace, onAdded }: { workspace: string; onAdded(memory: Memory, merged: boolean): void }) {
  const [text, setText] = useState('');
  const [type, setType] = useState<Memory['memory_type']>('fact');
  const [scope, setScope] = useState<'global' | 'workspace'>('global');
  const [importance, setImportance] = useState(0.5);
  const [note, setNote] = useState<string | null>(null);

  const add = useAction(async (wanted: NewMemory) => {
    const memory = await api.addMemory(wanted);
    // 200 instead of 201: an existing memory said the same and was reinforced; it keeps its own text.
    const merged = memory.created_at !== memory.updated_at || memory.text !== wanted.text;
    setNote(merged ? 'A memory saying nearly the same already existed; it was reinforced instead.' : 'Remembered.');
    setText('');
    onAdded(memory, merged);
  });

  const submit = (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return add.fail('Write what ducklm should remember.');
    setNote(null);
    add.run({ text: text.trim(), memory_type: type, scope, workspace, importance });
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
        <button type="submit" class="primary memory-add-submit" disabled={add.busy} data-testid="memory-add-submit">
          {add.busy ? 'Saving…' : 'Remember'}
        </button>
      </div>
      <ErrorLine error={add.error} />
      {note && (
        <p class="muted" role="status">
          {note}
        </p>
      )}
    </form>
  );
}
