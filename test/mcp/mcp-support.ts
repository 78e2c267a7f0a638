import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseMcpServers } from '../../src/mcp/mcp-config.js';
import { FakeModelClient, useTools } from '../support/fake-model-client.js';
import type { SseResponse } from '../support/sse-client.js';
import { afterThisTest } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The reference MCP server from npm, run by ducklm as any configured server would be. */
export const EVERYTHING = join(process.cwd(), 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

export const everythingStdio = (extra: Record<string, unknown> = {}) => ({ command: process.execPath, args: [EVERYTHING, 'stdio'], ...extra });

export type PlannedCall = { tool: string; args: Record<string, unknown> };

/**
 * A planner that asks for `calls(message)` (by the user's message) and answers once their results
 * are in; the answer streams "ok".
 */
export function scriptedModel(calls: (message: string) => PlannedCall[]): FakeModelClient {
  return new FakeModelClient({
    chat: {
      action: (messages) => {
        const last = messages.at(-1)?.content ?? '';
        const planned = calls(last.split('\n')[0] ?? '');
        return planned.length ? useTools(planned, true, 'medium') : { answer_now: true };
      },
      memory_policy: { should_store: false, summary: '' },
    },
    stream: [{ type: 'content_delta', delta: 'ok' }],
  });
}

export interface McpTestApp extends TestApp {
  logs: string[];
}

/** A test app whose ducklm.config.json says `mcpServers`. */
export async function startMcpApp(mcpServers: Record<string, unknown>, model: FakeModelClient, dir?: string): Promise<McpTestApp> {
  const logs: string[] = [];
  const t = await startTestApp({ model, config: (c) => (c.mcp = parseMcpServers(mcpServers)), log: (m) => logs.push(m), ...(dir ? { dir } : {}) });
  return { ...t, logs };
}

/** Sends a message and, when the task asks, answers its approval; the streams of both. */
export async function ask(t: TestApp, message: string): Promise<SseResponse> {
  return t.stream('/v1/chat/stream', { message, workspace: t.dir });
}

export function eventOf(response: SseResponse, type: string): Record<string, unknown> {
  const found = response.events.find((e) => e.event === type);
  if (!found) throw new Error(`no "${type}" event; got ${response.events.map((e) => e.event).join(', ')}`);
  return found.data;
}

export async function approve(t: TestApp, paused: SseResponse, decision: 'allow_once' | 'allow_always' | 'deny' = 'allow_once'): Promise<SseResponse> {
  const { approval_id: approvalId, task_id: taskId } = eventOf(paused, 'tool_approval_requested') as Record<string, string>;
  const decided = await t.post(`/v1/approvals/${approvalId}/${decision}`);
  if (decided.status !== 200) throw new Error(`${decision}: ${decided.status} ${JSON.stringify(decided.json)}`);
  return t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
}

/**
 * Asks for a long call, allows it once and continues: returns the live continuation once the call
 * has started, with the task's id, for a test that then kills, stops or outwaits the server.
 */
export async function startLongCall(t: TestApp, message = 'long operation please') {
  const paused = await ask(t, message);
  const { approval_id: approvalId, task_id: taskId } = eventOf(paused, 'tool_approval_requested') as Record<string, string>;
  await t.post(`/v1/approvals/${approvalId}/allow_once`);
  const live = await t.openStream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId });
  await live.waitFor('tool_call_started');
  return { live, taskId: taskId! };
}

/** This test process's child processes whose command line has `marker` (default: the everything server). */
export function serverChildren(marker = 'server-everything'): Array<{ pid: number; args: string }> {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there is no child
  }
  return out
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => !!m && m[2]!.includes(marker))
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}

/** Polls `check` until it holds, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The everything server in its streamable HTTP mode, on a free port, stopped after the test: its /mcp URL, and what it logged. */
export async function startHttpEverything(): Promise<{ url: string; output(): string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  afterThisTest(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  });
  const url = `http://127.0.0.1:${port}/mcp`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`the HTTP server exited: ${stderr}`);
      try {
        await fetch(url, { method: 'GET', signal: AbortSignal.timeout(2000) }).then((r) => r.body?.cancel());
        return true;
      } catch {
        return false;
      }
    },
    'the everything server to listen',
    45_000,
  );
  return { url, output: () => stdout };
}
