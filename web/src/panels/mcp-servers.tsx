import { api, type McpServer } from '../api.js';
import { ErrorLine, LoadError } from './panel-error.js';
import { useAction } from './use-action.js';
import { useLoad } from './use-load.js';

const STATE_LABELS: Record<McpServer['state'], string> = {
  stopped: 'not started yet (starts when a task needs it)',
  starting: 'starting',
  ready: 'ready',
  failed: 'could not start',
  crashed: 'stopped unexpectedly (starts again when next used)',
  disabled: 'disabled in the config file',
};

/** The MCP servers of ducklm.config.json: each one's state, why it failed, and its tools. */
export function McpServers() {
  const health = useLoad(() => api.health(), []);
  const start = useAction(async (name: string) => {
    const status = await api.startMcpServer(name);
    health.mutate((h) => ({ ...h, mcp_servers: (h.mcp_servers ?? []).map((s) => (s.name === name ? status : s)) }));
  });
  const servers = health.data?.mcp_servers ?? [];
  return (
    <div class="settings-mcp" data-testid="settings-mcp">
      <h2>Tools from MCP servers</h2>
      <LoadError what="MCP servers" error={health.error} onRetry={health.reload} />
      <ErrorLine error={start.error} />
      {health.data && !servers.length && (
        <p class="muted" data-testid="settings-mcp-none">
          None configured. Add servers under <code>mcpServers</code> in <code>ducklm.config.json</code>, as for Claude Desktop.
        </p>
      )}
      <ul class="panel-list">
        {servers.map((server) => (
          <li key={server.name} class="panel-card" data-testid="settings-mcp-server" data-name={server.name} data-state={server.state}>
            <p>
              <strong>{server.name}</strong> <span class="panel-tag">{server.transport === 'http' ? 'HTTP' : 'stdio'}</span> <span class="muted">{STATE_LABELS[server.state]}</span>{' '}
              {server.state !== 'ready' && server.state !== 'disabled' && server.state !== 'starting' && (
                <button type="button" disabled={start.busy} onClick={() => start.run(server.name)} data-testid="settings-mcp-start">
                  Start
                </button>
              )}
            </p>
            {server.error && (
              <p class="muted" data-testid="settings-mcp-error">
                {server.error}
              </p>
            )}
            {server.tools.length > 0 && (
              <details>
                <summary data-testid="settings-mcp-tools">{server.tools.length === 1 ? '1 tool' : `${server.tools.length} tools`}</summary>
                <ul class="settings-models">
                  {server.tools.map((tool) => (
                    <li key={tool.name} data-testid="settings-mcp-tool" data-tool={tool.name}>
                      <code>{tool.name}</code> <span class="muted">{tool.description}</span>
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </li>
        ))}
      </ul>
      <p class="muted panel-intro">Every call of an MCP tool asks you first; "Always allow" covers that tool with exactly the same arguments.</p>
    </div>
  );
}
