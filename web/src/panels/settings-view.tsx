import { useState } from 'preact/hooks';
import { api, followPull, type ModelSelection, type ModelsOverview, type ModelStatus, type PullStatus, type RoleName } from '../api.js';
import { McpServers } from './mcp-servers.js';
import { ErrorLine, LoadError } from './panel-error.js';
import { useAction } from './use-action.js';
import { useLoad } from './use-load.js';
import './panels.css';

const ROLES: RoleName[] = ['thinker', 'action', 'recall', 'memory_policy', 'critic'];
const ROLE_LABELS: Record<RoleName, string> = { thinker: 'Answers', action: 'Planner', recall: 'Recall judge', memory_policy: 'Memory policy', critic: 'Critic' };
const SOURCE_LABELS = { env: 'set by the environment', file: 'chosen here', default: 'chosen by ducklm' } as const;

/**
 * Where the model comes from: the servers found on this machine with what each offers, and the
 * model each role uses. A choice is saved to ducklm.config.json and used from the next message.
 */
export function SettingsView({ status }: { status: ModelStatus | null }) {
  const overview = useLoad(() => api.models(true), []);
  const [saved, setSaved] = useState<string | null>(null);
  const choose = useAction(async (selection: ModelSelection, what: string) => {
    const next = await api.chooseModel(selection);
    overview.mutate(() => next);
    setSaved(what);
  });
  const data = overview.data;

  return (
    <section class="panel settings" data-testid="settings-view" aria-labelledby="settings-heading">
      <header class="panel-head">
        <h1 id="settings-heading">Settings</h1>
        <button type="button" onClick={overview.reload} disabled={overview.loading}>
          Look again
        </button>
      </header>
      <StatusLine status={status ?? data?.status ?? null} />
      <LoadError what="models" error={overview.error} onRetry={overview.reload} />
      <ErrorLine error={choose.error} />
      {saved && (
        <p class="notice" role="status" data-testid="settings-saved">
          Saved: {saved}. The next message uses it.
        </p>
      )}
      {data && <Locked overview={data} />}
      {data && <Servers overview={data} busy={choose.busy} onUse={(base_url, model) => void choose.run({ base_url, model }, `${model} on ${base_url}`)} />}
      {data && <Roles overview={data} busy={choose.busy} onChoose={(role, model) => void choose.run({ roles: { [role]: model } }, `${model} for ${ROLE_LABELS[role]}`)} />}
      {data && <LocalModels overview={data} busy={choose.busy} onUse={(path, name) => void choose.run({ model_path: path }, `${name}, run inside ducklm`)} />}
      <PullForm onPulled={overview.reload} />
      <McpServers />
      <p class="muted panel-intro">
        ducklm looks for model servers where they usually listen: llama-server on port 8080, Ollama on 11434, LM Studio on 1234, vLLM on 8000, and wherever <code>DUCK_MODEL_BASE_URL</code> or the config file points. A GGUF file can run inside ducklm instead: <code>DUCK_MODEL_PATH</code>.
      </p>
    </section>
  );
}

function StatusLine({ status }: { status: ModelStatus | null }) {
  if (!status) return <p class="muted">Asking the model server…</p>;
  return (
    <p class={`settings-status ${status.state}`} data-testid="settings-status" data-state={status.state}>
      <strong>{status.model ?? 'No model'}</strong>
      {status.where && <span> · {status.where}</span>}
      <span class="muted"> · {status.detail}</span>
    </p>
  );
}

function Locked({ overview }: { overview: ModelsOverview }) {
  const { locked } = overview.selection;
  if (!locked.length) return null;
  return (
    <p class="notice" data-testid="settings-locked">
      Set by environment variables, which win over a choice made here: {locked.join(', ')}.
    </p>
  );
}

function Servers({ overview, busy, onUse }: { overview: ModelsOverview; busy: boolean; onUse(baseUrl: string, model: string): void }) {
  const { selection } = overview;
  const inUse = (baseUrl: string, model: string) => selection.base_url === baseUrl && ROLES.every((r) => selection.models[r].model === model);
  if (!overview.servers.length) return <p class="panel-empty">ducklm was told not to look for servers (DUCK_DISCOVER=off), and none is configured.</p>;
  return (
    <div class="settings-servers">
      <h2>Model servers</h2>
      <ul class="panel-list">
        {overview.servers.map((server) => (
          <li key={server.base_url} class="panel-card" data-testid="settings-server" data-url={server.base_url} data-reachable={String(server.reachable)}>
            <p>
              <strong>{server.label}</strong> <code>{server.base_url}</code>
              {server.configured_as && <span class="muted"> (configured as {server.configured_as})</span>}
              {!server.reachable && <span class="muted"> · not answering</span>}
              {server.loading && <span class="muted"> · loading its model</span>}
            </p>
            {server.reachable && !server.models.length && <p class="muted">It lists no models.</p>}
            <ul class="settings-models">
              {server.models.map((model) => (
                <li key={model.id} data-testid="settings-model" data-model={model.id}>
                  <span>{model.id}</span>
                  {model.kind && <span class="panel-tag">{model.kind === 'embedding' ? 'embeddings' : 'chat'}</span>}
                  {model.loaded !== undefined && <span class="muted">{model.loaded ? 'loaded' : 'not loaded'}</span>}
                  {model.kind !== 'embedding' &&
                    (inUse(server.base_url, model.id) ? (
                      <span class="muted">in use</span>
                    ) : (
                      <button type="button" disabled={busy} onClick={() => onUse(server.base_url, model.id)}>
                        Use
                      </button>
                    ))}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One model for all roles by default; a role may have its own, among the chosen server's models. */
function Roles({ overview, busy, onChoose }: { overview: ModelsOverview; busy: boolean; onChoose(role: RoleName, model: string): void }) {
  const { selection } = overview;
  const server = overview.servers.find((s) => s.base_url === selection.base_url);
  const offered = server?.models.filter((m) => m.kind !== 'embedding').map((m) => m.id) ?? [];
  return (
    <details class="settings-roles">
      <summary>Per role</summary>
      <table>
        <tbody>
          {ROLES.map((role) => {
            const { model, source } = selection.models[role];
            const options = offered.includes(model) ? offered : [model, ...offered];
            return (
              <tr key={role} data-testid={`settings-role-${role}`}>
                <th scope="row">{ROLE_LABELS[role]}</th>
                <td>
                  <select aria-label={`Model for ${ROLE_LABELS[role]}`} value={model} disabled={busy || source === 'env' || !offered.length} onChange={(e) => onChoose(role, (e.target as HTMLSelectElement).value)}>
                    {options.map((id) => (
                      <option key={id} value={id}>
                        {id}
                      </option>
                    ))}
                  </select>
                </td>
                <td class="muted">{selection.unchosen.includes(role) ? 'not chosen yet' : SOURCE_LABELS[source]}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}

/** GGUF files pulled into the data folder: run inside ducklm by the embedded engine. */
function LocalModels({ overview, busy, onUse }: { overview: ModelsOverview; busy: boolean; onUse(path: string, name: string): void }) {
  return (
    <div class="settings-local">
      <h2>GGUF files on this machine</h2>
      {!overview.local.length && <p class="muted">None pulled yet.</p>}
      <ul class="settings-models">
        {overview.local.map((file) => (
          <li key={file.path} data-testid="settings-local-model" data-name={file.name}>
            <span>{file.name}</span>
            <span class="muted">{megabytes(file.size)}</span>
            {overview.selection.model_path === file.path ? (
              <span class="muted">in use</span>
            ) : (
              <button type="button" disabled={busy} onClick={() => onUse(file.path, file.name)}>
                Use
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Downloads a GGUF into the data folder, with its progress; an interrupted one resumes when pulled again. */
function PullForm({ onPulled }: { onPulled(): void }) {
  const [source, setSource] = useState('');
  const [pull, setPull] = useState<PullStatus | null>(null);
  const start = useAction(async () => {
    const started = await api.pullModel(source.trim());
    setPull(started);
    await followPull(started.id, setPull);
    onPulled();
  });
  const running = pull?.state === 'running';
  const percent = pull && pull.total_bytes ? Math.floor((100 * pull.downloaded_bytes) / pull.total_bytes) : null;
  return (
    <form
      class="settings-pull"
      onSubmit={(e) => {
        e.preventDefault();
        if (source.trim()) start.run();
      }}
    >
      <h2>Get a model</h2>
      <label>
        GGUF address (<code>https://…/model.gguf</code> or <code>hf:owner/repo/file.gguf</code>)
        <input type="text" value={source} onInput={(e) => setSource((e.target as HTMLInputElement).value)} data-testid="pull-source" />
      </label>
      <button type="submit" class="primary" disabled={running || !source.trim()} data-testid="pull-start">
        Pull
      </button>
      {running && (
        <button type="button" onClick={() => void api.cancelPull(pull.id)}>
          Stop
        </button>
      )}
      {pull && (
        <p class="muted" data-testid="pull-status" data-state={pull.state}>
          {pull.state === 'running' && <progress max={100} value={percent ?? undefined} />} {pull.state === 'running' ? `${percent ?? 0} % · ${megabytes(pull.downloaded_bytes)}` : pull.state === 'done' ? `Pulled ${pull.model?.name ?? ''}.` : pull.state === 'cancelled' ? 'Stopped: pull again to resume.' : pull.error?.message}
        </p>
      )}
      <ErrorLine error={start.error} />
    </form>
  );
}

const megabytes = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`);
