import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type CallToolResult, type Tool as McpToolInfo } from '@modelcontextprotocol/sdk/types.js';
import { ToolError } from '../errors.js';
import { VERSION } from '../version.js';
import { untilAborted } from './until-aborted.js';
import type { McpServerConfig } from './mcp-config.js';

/**
 * stopped: never started (or ducklm is stopping); starting; ready; failed: could not start;
 * crashed: was ready, then its process or connection went away (restarted on next use).
 */
export type McpServerState = 'stopped' | 'starting' | 'ready' | 'failed' | 'crashed';

export type { McpToolInfo };

/** A call that did not come back with a result: the message is what the planner and the person see. */
export class McpCallError extends ToolError {}

/** Lines of a server's standard error kept to explain why it failed or died. */
const STDERR_TAIL_LINES = 5;

/**
 * One configured MCP server: started lazily (concurrent callers share one start), restarted on the
 * next use after it crashed, closed with ducklm. Never throws from `start`: its state says how it went.
 */
export class McpConnection {
  state: McpServerState = 'stopped';
  error: string | null = null;
  tools: McpToolInfo[] = [];
  /** When the last start failed (ms since epoch), so a broken server is not retried for every task. */
  failedAt = 0;
  private client: Client | null = null;
  private starting: Promise<void> | null = null;
  /** Bumped by every start and close: a late close event of an earlier connection is not a crash of this one. */
  private generation = 0;
  private closing = false;
  private stderrTail: string[] = [];

  constructor(
    readonly config: McpServerConfig,
    private readonly log: (message: string) => void,
    private readonly onChange: () => void = () => {},
  ) {}

  get name(): string {
    return this.config.name;
  }

  start(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    this.starting ??= this.startOnce().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    if (this.closing) return;
    const generation = ++this.generation;
    this.state = 'starting';
    this.error = null;
    this.stderrTail = [];
    const { startupTimeoutMs } = this.config;
    const client = new Client(
      { name: 'ducklm', version: VERSION },
      // A server that says its tools changed is listed again (the SDK does it, for servers that announce it).
      { capabilities: {}, listChanged: { tools: { onChanged: (error, tools) => this.toolsChanged(generation, error, tools) } } },
    );
    client.onclose = () => this.lost(generation);
    this.client = client;
    try {
      const signal = AbortSignal.timeout(startupTimeoutMs);
      await client.connect(this.transport(), { timeout: startupTimeoutMs, signal });
      const tools: McpToolInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout: startupTimeoutMs, signal });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      // Stopped while starting (ducklm is closing): what was started must not outlive it.
      if (generation !== this.generation) {
        await client.close().catch(() => {});
        return;
      }
      this.tools = tools;
      this.state = 'ready';
      this.log(`mcp ${this.name}: ready, ${tools.length} tool${tools.length === 1 ? '' : 's'}`);
    } catch (error) {
      if (generation !== this.generation) return;
      this.generation++;
      await client.close().catch(() => {});
      this.client = null;
      this.tools = [];
      this.state = 'failed';
      this.failedAt = Date.now();
      this.error = `Could not start: ${startFailure(error, startupTimeoutMs)}${this.lastWords()}`;
      this.log(`mcp ${this.name}: ${this.error}`);
    } finally {
      this.onChange();
    }
  }

  private transport(): Transport {
    const { config } = this;
    if (config.transport === 'http') return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
    const transport = new StdioClientTransport({ command: config.command, args: config.args, env: config.env, stderr: 'pipe', ...(config.cwd ? { cwd: config.cwd } : {}) });
    // The server's own log goes to ducklm's, a line at a time, named; its last lines explain a failure.
    const stderr = transport.stderr;
    if (stderr) {
      createInterface({ input: stderr as unknown as NodeJS.ReadableStream, crlfDelay: Infinity }).on('line', (line) => {
        this.stderrTail = [...this.stderrTail, line].slice(-STDERR_TAIL_LINES);
        this.log(`mcp ${this.name}: ${line}`);
      });
    }
    return transport;
  }

  private toolsChanged(generation: number, error: Error | null, tools: McpToolInfo[] | null): void {
    if (generation !== this.generation || this.state !== 'ready') return;
    if (error || !tools) {
      this.log(`mcp ${this.name}: its tools changed, but listing them again failed: ${error?.message ?? 'no list'}`);
      return;
    }
    this.tools = tools;
    this.log(`mcp ${this.name}: its tools changed, now ${tools.length}`);
    this.onChange();
  }

  /** The connection closed: a crash if it was ready and nobody closed it. */
  private lost(generation: number): void {
    if (generation !== this.generation || this.state !== 'ready') return;
    this.client = null;
    this.state = 'crashed';
    this.error = `The server stopped${this.lastWords()}`;
    this.log(`mcp ${this.name}: ${this.error}; it is started again when next used`);
    this.onChange();
  }

  private lastWords(): string {
    const tail = this.stderrTail.filter((l) => l.trim()).slice(-2);
    return tail.length ? ` (it said: ${tail.join(' / ').slice(0, 500)})` : '';
  }

  /** Calls a tool, starting (or restarting) the server first; every failure is an McpCallError. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const { timeoutMs } = this.config;
    if (this.state !== 'ready') {
      await untilAborted(this.start(), signal);
      // start() changed the state meanwhile; TypeScript cannot see that.
      if ((this.state as McpServerState) !== 'ready') throw new McpCallError(`The MCP server "${this.name}" is not running: ${this.error ?? this.state}`, tool);
    }
    const client = this.client!;
    try {
      return (await client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: timeoutMs, maxTotalTimeout: timeoutMs })) as CallToolResult;
    } catch (error) {
      if (signal.aborted) throw new McpCallError(`${tool} on the MCP server "${this.name}" was stopped.`, tool);
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        throw new McpCallError(`${tool} on the MCP server "${this.name}" did not answer within ${timeoutMs} ms; the call was cancelled.`, tool);
      }
      if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
        throw new McpCallError(`The MCP server "${this.name}" stopped during the call${this.lastWords()}; it is started again when next used.`, tool);
      }
      throw new McpCallError(`${tool} on the MCP server "${this.name}" failed: ${error instanceof Error ? error.message : String(error)}`, tool);
    }
  }

  /** Stops the server for good (ducklm is stopping): a stdio child is ended, an HTTP session closed. */
  async close(): Promise<void> {
    this.closing = true;
    await this.stop();
  }

  /** Stops the server; it may be started again. */
  async stop(): Promise<void> {
    this.generation++;
    const client = this.client;
    this.client = null;
    if (this.state === 'ready' || this.state === 'starting' || this.state === 'crashed') this.state = 'stopped';
    this.tools = [];
    if (!client) return;
    const transport = client.transport;
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
      await untilAborted(transport.terminateSession(), AbortSignal.timeout(2000)).catch(() => {});
    }
    await client.close().catch(() => {});
    this.onChange();
  }
}

function startFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) return `no answer within ${timeoutMs} ms`;
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) return 'it exited before it answered';
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  return message || 'unknown error';
}
