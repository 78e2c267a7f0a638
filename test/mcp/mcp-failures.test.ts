/** An MCP server that fails, dies or hangs is an error the planner and the person see, never a dead task. */
import { describe, expect, it } from 'vitest';
import { approve, ask, eventOf, eventually, everythingStdio, scriptedModel, serverChildren, startLongCall, startMcpApp } from './mcp-support.js';

const ECHO = 'mcp__everything__echo';
const LONG = 'mcp__everything__trigger-long-running-operation';

const model = () => scriptedModel((message) => (message.startsWith('long') ? [{ tool: LONG, args: { duration: 120, steps: 120 } }] : message.startsWith('echo') ? [{ tool: ECHO, args: { message: 'back again' } }] : []));

describe('MCP server failures', () => {
  it('a server killed during a call: the call fails with why, the task goes on, and the next call starts it again', async () => {
    const t = await startMcpApp({ everything: everythingStdio() }, model());
    const { live } = await startLongCall(t);
    const [first] = serverChildren();
    process.kill(first!.pid, 'SIGKILL');
    const events = await live.rest();
    const finished = events.find((e) => e.event === 'tool_call_finished')!.data;
    expect(finished).toMatchObject({ tool: LONG, ok: false });
    expect(String(finished.output)).toContain('The MCP server "everything" stopped during the call');
    expect(events.find((e) => e.event === 'done')!.data.status).toBe('completed');
    expect((await t.get('/v1/health')).json.mcp_servers[0]).toMatchObject({ state: 'crashed' });

    const resumed = await approve(t, await ask(t, 'echo again'));
    expect(eventOf(resumed, 'tool_call_finished')).toMatchObject({ tool: ECHO, ok: true, output: 'Echo: back again' });
    const now = serverChildren();
    expect(now).toHaveLength(1);
    expect(now[0]!.pid).not.toBe(first!.pid);
    await t.app.close();
    expect(serverChildren()).toEqual([]);
  });

  it('a call that outlasts the server\'s timeoutMs fails as timed out, and the task goes on', async () => {
    const t = await startMcpApp({ everything: everythingStdio({ timeoutMs: 1500 }) }, model());
    const resumed = await approve(t, await ask(t, 'long operation please'));
    const finished = eventOf(resumed, 'tool_call_finished');
    expect(finished).toMatchObject({ tool: LONG, ok: false });
    expect(String(finished.output)).toContain('did not answer within 1500 ms');
    expect(eventOf(resumed, 'done').status).toBe('completed');
    // The server itself is fine: the next call runs.
    const again = await approve(t, await ask(t, 'echo again'));
    expect(eventOf(again, 'tool_call_finished')).toMatchObject({ ok: true, output: 'Echo: back again' });
    await t.app.close();
  });

  it('servers that cannot start (no such command, exits, never answers, a bad entry) are unavailable: an event, the planner is told, health says why', async () => {
    const m = model();
    const t = await startMcpApp(
      {
        everything: everythingStdio(),
        missing: { command: '/nonexistent/mcp-server' },
        exits: { command: process.execPath, args: ['-e', 'console.error("no config file here"); process.exit(3)'] },
        silent: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000) // mcp-silent'], startupTimeoutMs: 1500 },
        misspelt: { comand: 'x' },
        badTimeout: { command: 'x', timeoutMs: -1 },
      },
      m,
    );
    const done = await ask(t, 'hello');
    expect(eventOf(done, 'done').status).toBe('completed');
    const unavailable = done.events.filter((e) => e.event === 'tool_server_unavailable').map((e) => e.data);
    const byServer = Object.fromEntries(unavailable.map((u) => [u.server, String(u.message)]));
    expect(Object.keys(byServer).sort()).toEqual(['badTimeout', 'exits', 'missing', 'misspelt', 'silent']);
    expect(byServer.missing).toMatch(/^Could not start: .*ENOENT/);
    expect(byServer.exits).toContain('no config file here');
    expect(byServer.silent).toContain('no answer within 1500 ms');
    expect(byServer.misspelt).toContain('give "command"');
    expect(byServer.badTimeout).toContain('mcpServers.badTimeout.timeoutMs');

    const system = m.calls.find((c) => c.role === 'action')!.messages[0]!.content;
    expect(system).toContain('Tool servers that are unavailable now');
    expect(system).toContain('- missing: Could not start');
    expect(system).toContain(ECHO);

    const servers = (await t.get('/v1/health')).json.mcp_servers as Array<Record<string, unknown>>;
    expect(servers.find((s) => s.name === 'everything')).toMatchObject({ state: 'ready' });
    for (const name of ['missing', 'exits', 'silent', 'misspelt', 'badTimeout']) expect(servers.find((s) => s.name === name)).toMatchObject({ state: 'failed', error: expect.any(String), tools: [] });
    // The server that never answered was not left running.
    await eventually(() => serverChildren('mcp-silent').length === 0, 'the silent server to be ended');
    expect(t.logs.some((l) => l.startsWith('mcp missing: Could not start'))).toBe(true);
    await t.app.close();
    expect(serverChildren()).toEqual([]);
  });

  it('a disabled server is not started and offers no tools', async () => {
    const m = model();
    const t = await startMcpApp({ everything: everythingStdio({ disabled: true }) }, m);
    await ask(t, 'hello');
    expect(serverChildren()).toEqual([]);
    expect(m.calls.find((c) => c.role === 'action')!.messages[0]!.content).not.toContain('mcp__');
    expect((await t.get('/v1/health')).json.mcp_servers).toEqual([{ name: 'everything', transport: 'stdio', state: 'disabled', tools: [] }]);
    await t.app.close();
  });
});
