import { useState } from 'preact/hooks';
import { api, type Memory } from '../api.js';
import { baseName } from './format.js';
import { MemoryAddForm } from './memory-add-form.js';
import { SCOPES, TYPES } from './memory-fields.js';
import { MemoryItem } from './memory-item.js';
import { LoadError } from './panel-error.js';
import { FilterSelect, SearchField } from './toolbar.js';
import { useDebounced, useLoad } from './use-load.js';
import './panels.css';

type Reach = 'workspace' | 'everything';
const LIMIT = 200;

/** The person's view of what ducklm remembers: search, narrow, add, correct and forget. */
export function MemoryView({ workspace }: { workspace: string }) {
  const [search, setSearch] = useState('');
  const [reach, setReach] = useState<Reach>('workspace');
  const [scope, setScope] = useState<Memory['scope'] | ''>('');
  const [type, setType] = useState<Memory['memory_type'] | ''>('');
  const q = useDebounced(search.trim(), 250);
  const viewWorkspace = reach === 'workspace' ? workspace : undefined;

  const list = useLoad(
    () => api.memories({ q: q || undefined, workspace: viewWorkspace, scope: scope || undefined, type: type || undefined, limit: LIMIT }).then((r) => r.results),
    [q, viewWorkspace, scope, type],
  );
  const results = list.data ?? [];
  const searching = list.loading || q !== search.trim();

  return (
    <section class="panel memory" data-testid="memory-view" aria-labelledby="memory-heading">
      <header class="panel-head">
        <h1 id="memory-heading">Memory</h1>
        <a class="panel-button-link" href={api.memoryExportUrl(viewWorkspace)} download="ducklm-memory.json" data-testid="memory-export">
          Export JSON
        </a>
      </header>
      <p class="muted panel-intro">What ducklm remembers about you and your work. Chats recall these; correct or delete anything that is wrong.</p>

      <MemoryAddForm workspace={workspace} onAdded={() => list.reload()} />

      <div class="panel-toolbar" role="search">
        <SearchField label="Search memories" value={search} onInput={setSearch} testId="memory-search" />
        <fieldset class="segmented">
          <legend class="visually-hidden">Which memories</legend>
          <label class={reach === 'workspace' ? 'checked' : ''} title={`What a chat in ${workspace} can recall`}>
            <input type="radio" name="memory-reach" value="workspace" checked={reach === 'workspace'} onChange={() => setReach('workspace')} />
            This workspace's view
          </label>
          <label class={reach === 'everything' ? 'checked' : ''}>
            <input type="radio" name="memory-reach" value="everything" checked={reach === 'everything'} onChange={() => setReach('everything')} data-testid="memory-everything" />
            Everything
          </label>
        </fieldset>
        <FilterSelect label="Scope" any="any scope" options={SCOPES} value={scope} onChange={setScope} />
        <FilterSelect label="Type" any="any type" options={TYPES} value={type} onChange={setType} />
      </div>

      <p class="muted list-status" role="status" aria-live="polite">
        {searching ? (q || search.trim() ? 'Searching…' : 'Loading…') : list.data ? summary(results.length, q, reach === 'workspace' ? baseName(workspace) : null) : ''}
      </p>
      <LoadError what="memories" error={list.error} onRetry={list.reload} />
      {list.data && !results.length && !searching && (
        <p class="panel-empty" data-testid="memory-empty">
          {q ? `No memory matches “${q}”.` : scope || type ? 'No memory of this kind.' : 'Nothing remembered yet. Add something above, or just chat: ducklm keeps what matters.'}
        </p>
      )}
      <ul class="panel-list" aria-busy={list.loading}>
        {results.map((memory) => (
          <MemoryItem
            key={memory.id}
            memory={memory}
            score={memory.score}
            onChanged={(saved) => list.mutate((all) => all.map((m) => (m.id === saved.id ? { ...saved, score: m.score } : m)))}
            onDeleted={(id) => list.mutate((all) => all.filter((m) => m.id !== id))}
          />
        ))}
      </ul>
    </section>
  );
}

function summary(count: number, q: string, workspace: string | null): string {
  const what = `${count === LIMIT ? `${LIMIT}+` : count} ${count === 1 ? 'memory' : 'memories'}`;
  const where = workspace ? ` visible in ${workspace}` : '';
  return q ? `${what} matching “${q}”${where}, best first` : `${what}${where}, most important first`;
}
