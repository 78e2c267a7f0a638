/** Tools of an MCP server (the reference "everything" server over stdio) behind ducklm's approvals. */
import { describe, expect, it } from 'vitest';
import { approve, ask, eventOf, everythingStdio, scriptedModel, serverChildren, startMcpApp } from './mcp-support.js';

const ECHO = 'mcp__everything__echo';

describe('an MCP server over stdio', () => {
  it('is started by the first task (not by ducklm), and its tools are in health and in the planner\'s tool list', async () => {
    const model = scriptedModel(() => []);
    const t = await startMcpApp({ everything: everythingStdio() }, model);
    // Lazy: nothing runs before a task needs the tools.
    expect(serverChildren()).toEqual([]);
    expect((await t.get('/v1/health')).json.mcp_servers).toEqual([{ name: 'everything', transport: 'stdio', state: 'stopped', tools: [] }]);

    const done = await ask(t, 'hello');
    expect(eventOf(done, 'done').status).toBe('completed');
    const planner = model.calls.find((c) => c.role === 'action')!;
    const system = planner.messages[0]!.content;
    expect(system).toContain(`- ${ECHO} {"message": "string: Message to echo"}`);
    expect(system).toContain('mcp__everything__trigger-long-running-operation');
    // The planner's grammar names the same tools.
    expect(JSON.stringify(planner.options.responseFormat)).toContain(ECHO);

    const [server] = (await t.get('/v1/health')).json.mcp_servers;
    expect(server).toMatchObject({ name: 'everything', transport: 'stdio', state: 'ready' });
    expect(server.tools).toContainEqual({ name: ECHO, description: expect.stringContaining('Echoes back the input string') });
    expect(serverChildren()).toHaveLength(1);

    await t.app.close();
    // Closing ducklm ends the server: no child is left behind.
    expect(serverChildren()).toEqual([]);
  });

  it('tasks that need the tools at the same time share one start of the server', async () => {
    const model = scriptedModel(() => []);
    const t = await startMcpApp({ everything: everythingStdio() }, model);
    const done = await Promise.all([ask(t, 'one'), ask(t, 'two'), ask(t, 'three')]);
    for (const d of done) expect(eventOf(d, 'done').status).toBe('completed');
    expect(serverChildren()).toHaveLength(1);
    expect(t.logs.filter((l) => l.startsWith('mcp everything: ready'))).toHaveLength(1);
    await t.app.close();
  });

  it('asks before every call; allowed once, the output is observed inside the untrusted envelope and taints the task', async () => {
    const model = scriptedModel(() => [{ tool: ECHO, args: { message: 'duck says hi' } }]);
    const t = await startMcpApp({ everything: everythingStdio() }, model);
    const paused = await ask(t, 'echo something');
    const asked = eventOf(paused, 'tool_approval_requested');
    expect(asked).toMatchObject({ tool: ECHO, args: { message: 'duck says hi' }, risk_level: 'medium', action_type: 'unknown' });
    expect(String(asked.reason)).toContain('Calls echo on the MCP server "everything"');
    expect(eventOf(paused, 'done').status).toBe('waiting_for_approval');

    const resumed = await approve(t, paused, 'allow_once');
    expect(eventOf(resumed, 'tool_call_finished')).toMatchObject({ tool: ECHO, ok: true, output: 'Echo: duck says hi' });
    expect(eventOf(resumed, 'command_audit')).toMatchObject({ command: `${ECHO} {"message":"duck says hi"}`, action_type: 'unknown', approved_by: 'person' });
    expect(eventOf(resumed, 'done').status).toBe('completed');

    const answer = model.calls.filter((c) => c.kind === 'stream').at(-1)!;
    const last = answer.messages.at(-1)!.content;
    const envelope = last.slice(last.indexOf('<untrusted_tool_output>'), last.indexOf('</untrusted_tool_output>'));
    expect(envelope).toContain('Echo: duck says hi');
    const taskId = String(eventOf(paused, 'tool_approval_requested').task_id);
    expect(JSON.parse(t.app.store.tasks.get(taskId)!.state).tainted).toBe(true);
    await t.app.close();
  });

  it('a denied call never reaches the server, and the planner hears it was denied', async () => {
    const model = scriptedModel(() => [{ tool: ECHO, args: { message: 'no' } }]);
    const t = await startMcpApp({ everything: everythingStdio() }, model);
    const resumed = await approve(t, await ask(t, 'echo no'), 'deny');
    expect(eventOf(resumed, 'tool_denied')).toMatchObject({ tool: ECHO });
    expect(resumed.events.some((e) => e.event === 'tool_call_started')).toBe(false);
    expect(eventOf(resumed, 'command_audit')).toMatchObject({ outcome: 'denied', approved_by: 'none' });
    const answer = model.calls.filter((c) => c.kind === 'stream').at(-1)!;
    expect(answer.messages.at(-1)!.content).toContain('The user denied this action');
    await t.app.close();
  });

  it('"always allow" covers this tool with exactly these arguments: the same call runs unasked, other arguments ask', async () => {
    const model = scriptedModel((message) => [{ tool: ECHO, args: { message: message.includes('other') ? 'other words' : 'same words' } }]);
    const t = await startMcpApp({ everything: everythingStdio() }, model);
    const first = await ask(t, 'echo same');
    const { approval_id: approvalId } = eventOf(first, 'tool_approval_requested') as Record<string, string>;
    const { rule } = (await t.post(`/v1/approvals/${approvalId}/allow_always`)).json;
    expect(rule).toMatchObject({ tool: ECHO, kind: 'call', pattern: '{"message":"same words"}' });
    await t.stream(`/v1/tasks/${String(eventOf(first, 'tool_approval_requested').task_id)}/continue/stream`, { approval_id: approvalId });

    const again = await ask(t, 'echo same again');
    expect(again.events.some((e) => e.event === 'tool_approval_requested')).toBe(false);
    expect(eventOf(again, 'tool_call_started')).toMatchObject({ tool: ECHO, approved_by_rule: { rule_id: rule.id, kind: 'call' } });
    expect(eventOf(again, 'tool_call_finished')).toMatchObject({ ok: true, output: 'Echo: same words' });

    const other = await ask(t, 'echo other');
    expect(eventOf(other, 'tool_approval_requested')).toMatchObject({ tool: ECHO, args: { message: 'other words' } });
    await t.app.close();
  });

  it('arguments that do not fit the tool\'s schema are a "Bad arguments" observation, before anyone is asked', async () => {
    const model = scriptedModel(() => [{ tool: ECHO, args: { message: 42 } }]);
    const t = await startMcpApp({ everything: everythingStdio() }, model);
    const done = await ask(t, 'echo a number');
    expect(done.events.some((e) => e.event === 'tool_approval_requested')).toBe(false);
    const finished = eventOf(done, 'tool_call_finished');
    expect(finished).toMatchObject({ tool: ECHO, ok: false });
    expect(String(finished.output)).toMatch(/^Bad arguments for mcp__everything__echo: .*message.*string/);
    expect(eventOf(done, 'done').status).toBe('completed');
    await t.app.close();
  });
});
