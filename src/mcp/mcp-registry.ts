import type { ToolRegistry, ToolTrouble } from '../tools/registry.js';
import type { AnyTool } from '../tools/tool.js';
import type { McpConfigProblem, McpServerConfig, McpServersConfig, McpTransportKind } from './mcp-config.js';
import { McpConnection, type McpServerState, type McpToolInfo } from './mcp-connection.js';
import { mcpTool } from './mcp-tool.js';
import { untilAborted } from './until-aborted.js';

/** A server that failed to start is tried again by the first task after this long, not by every task. */
export const RETRY_FAILED_AFTER_MS = 30_000;

/** What health and Settings show of a server: never its `env` or `headers` (they hold secrets). */
export interface McpServerStatus {
  name: string;
  transport: McpTransportKind;
  state: McpServerState | 'disabled';
  error?: string;
  tools: Array<{ name: string; description: string }>;
}

/**
 * The built-in tools and the tools of the configured MCP servers, named `mcp__<server>__<tool>`.
 * Servers start lazily: `prepare` (awaited by a task before its first prompt lists tools) starts
 * those not running, and says which could not be offered.
 */
export class McpToolRegistry implements ToolRegistry {
  private readonly connections: McpConnection[];
  private readonly problems: McpConfigProblem[];
  private readonly disabled: McpServerConfig[];
  private mcpTools = new Map<string, AnyTool>();
  private serverOf = new Map<string, { connection: McpConnection; info: McpToolInfo }>();
  private closed = false;

  constructor(
    private readonly builtins: ReadonlyMap<string, AnyTool>,
    config: McpServersConfig,
    private readonly log: (message: string) => void,
  ) {
    this.problems = config.problems;
    this.disabled = config.servers.filter((s) => s.disabled);
    this.connections = config.servers.filter((s) => !s.disabled).map((s) => new McpConnection(s, log, () => this.rebuild()));
    for (const problem of this.problems) log(`mcp ${problem.name}: not used: ${problem.message}`);
  }

  get(name: string): AnyTool | undefined {
    return this.builtins.get(name) ?? this.mcpTools.get(name);
  }

  *keys(): IterableIterator<string> {
    yield* this.builtins.keys();
    yield* this.mcpTools.keys();
  }

  *values(): IterableIterator<AnyTool> {
    yield* this.builtins.values();
    yield* this.mcpTools.values();
  }

  /** Starts the servers not running (a crashed one again; a failed one after a pause), all at once; bounded by each one's startup timeout. */
  async prepare(signal: AbortSignal): Promise<ToolTrouble[]> {
    if (this.closed) return this.trouble();
    const now = Date.now();
    const due = this.connections.filter((c) => c.state !== 'ready' && (c.state !== 'failed' || now - c.failedAt >= RETRY_FAILED_AFTER_MS));
    await untilAborted(Promise.all(due.map((c) => c.start())), signal);
    return this.trouble();
  }

  /** Servers whose tools cannot be offered now, and why. */
  trouble(): ToolTrouble[] {
    return [
      ...this.problems.map((p) => ({ server: p.name, message: `Not configured correctly: ${p.message}` })),
      ...this.connections.filter((c) => c.state === 'failed').map((c) => ({ server: c.name, message: c.error ?? 'It could not be started.' })),
    ];
  }

  statuses(): McpServerStatus[] {
    // The server's own words, without the note the planner gets of whose tool it is.
    const toolsOf = (connection: McpConnection) =>
      [...this.serverOf].filter(([, of]) => of.connection === connection).map(([name, { info }]) => ({ name, description: (info.description ?? info.title ?? '').replace(/\s+/g, ' ').trim().slice(0, 300) }));
    return [
      ...this.connections.map((c) => ({ name: c.name, transport: c.config.transport, state: c.state, ...(c.error ? { error: c.error } : {}), tools: toolsOf(c) })),
      ...this.disabled.map((s) => ({ name: s.name, transport: s.transport, state: 'disabled' as const, tools: [] })),
      ...this.problems.map((p) => ({ name: p.name, transport: p.transport, state: 'failed' as const, error: `Not configured correctly: ${p.message}`, tools: [] })),
    ];
  }

  /** Starts one server now (Settings' "Start"), even one that failed a moment ago. */
  async start(name: string): Promise<McpServerStatus | undefined> {
    const connection = this.connections.find((c) => c.name === name);
    if (connection && !this.closed) await connection.start();
    return this.statuses().find((s) => s.name === name);
  }

  /** ducklm is stopping: every stdio child is ended and every HTTP session closed. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.connections.map((c) => c.close()));
  }

  /** The planner's names for the servers' tools, rebuilt when a server's tool list changes. */
  private rebuild(): void {
    const tools = new Map<string, AnyTool>();
    const serverOf = new Map<string, { connection: McpConnection; info: McpToolInfo }>();
    for (const connection of this.connections) {
      for (const info of connection.tools) {
        const name = uniqueName(`mcp__${plannerName(connection.name)}__${plannerName(info.name)}`, (n) => tools.has(n) || this.builtins.has(n));
        tools.set(name, mcpTool(connection, info, name, this.log));
        serverOf.set(name, { connection, info });
      }
    }
    this.mcpTools = tools;
    this.serverOf = serverOf;
  }
}

/** The tools ducklm offers: the built-in ones, with MCP servers' when any are configured (else a plain Map, which needs no `prepare`). */
export function toolsWithMcp(builtins: ReadonlyMap<string, AnyTool>, config: McpServersConfig, log: (message: string) => void): ReadonlyMap<string, AnyTool> | McpToolRegistry {
  return config.servers.length || config.problems.length ? new McpToolRegistry(builtins, config, log) : builtins;
}

/** What the planner's grammar and every chat API accept in a tool name; the tool keeps its own name for the server. */
function plannerName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || '_';
}

function uniqueName(name: string, taken: (name: string) => boolean): string {
  let candidate = name;
  for (let n = 2; taken(candidate); n++) candidate = `${name}_${n}`;
  return candidate;
}
