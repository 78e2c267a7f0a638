/** An MCP server reached over streamable HTTP, and what health shows (never a server's secrets). */
import { describe, expect, it } from 'vitest';
import { approve, ask, eventOf, everythingStdio, scriptedModel, startHttpEverything, startMcpApp } from './mcp-support.js';

describe('an MCP server over streamable HTTP', () => {
  it('lists its tools and runs a call a person allowed; health shows neither headers nor env; closing ducklm ends the session', async () => {
    const { url, output } = await startHttpEverything();
    const model = scriptedModel((message) => (message.startsWith('echo') ? [{ tool: 'mcp__web__echo', args: { message: 'over http' } }] : []));
    const t = await startMcpApp(
      {
        web: { url, headers: { 'x-api-key': 'header-secret-4711' } },
        local: everythingStdio({ env: { SOME_TOKEN: 'env-secret-0815' }, disabled: true }),
      },
      model,
    );
    const resumed = await approve(t, await ask(t, 'echo over http'));
    expect(eventOf(resumed, 'tool_call_finished')).toMatchObject({ tool: 'mcp__web__echo', ok: true, output: 'Echo: over http' });

    const health = await t.get('/v1/health');
    const web = health.json.mcp_servers.find((s: { name: string }) => s.name === 'web');
    expect(web).toMatchObject({ name: 'web', transport: 'http', state: 'ready' });
    expect(web.tools.map((tool: { name: string }) => tool.name)).toContain('mcp__web__get-sum');
    const text = JSON.stringify(health.json);
    expect(text).not.toContain('header-secret-4711');
    expect(text).not.toContain('env-secret-0815');
    expect(text).not.toContain(url);
    await t.app.close();
    expect(output()).toContain('Received session termination request');
  });
});
