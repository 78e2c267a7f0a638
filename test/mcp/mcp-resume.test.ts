/** MCP calls across a restart of ducklm, and stopped by the person mid-call. */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { approve, ask, eventOf, everythingStdio, scriptedModel, serverChildren, startLongCall, startMcpApp } from './mcp-support.js';

const ECHO = 'mcp__everything__echo';
const LONG = 'mcp__everything__trigger-long-running-operation';
const model = () => scriptedModel((message) => (message.startsWith('long') ? [{ tool: LONG, args: { duration: 120, steps: 120 } }] : [{ tool: ECHO, args: { message: 'still here' } }]));

describe('MCP calls across a restart and a stop', () => {
  it('an approval asked before ducklm restarted can be always-allowed and continued after it: the server starts for it', async () => {
    const dir = tempDir();
    const before = await startMcpApp({ everything: everythingStdio() }, model(), dir);
    const paused = await ask(before, 'echo please');
    expect(eventOf(paused, 'tool_approval_requested')).toMatchObject({ tool: ECHO });
    await before.app.close();
    expect(serverChildren()).toEqual([]);

    const after = await startMcpApp({ everything: everythingStdio() }, model(), dir);
    const resumed = await approve(after, paused, 'allow_always');
    expect(eventOf(resumed, 'tool_call_finished')).toMatchObject({ tool: ECHO, ok: true, output: 'Echo: still here' });
    expect((await after.get('/v1/rules')).json).toContainEqual(expect.objectContaining({ tool: ECHO, kind: 'call', pattern: '{"message":"still here"}' }));
    await after.app.close();
  });

  it('Stop during a call ends the call and the task (cancelled), and the server stays up for the next call', async () => {
    const t = await startMcpApp({ everything: everythingStdio() }, model());
    const { live, taskId } = await startLongCall(t);
    const [server] = serverChildren();
    expect((await t.post(`/v1/tasks/${taskId}/cancel`)).status).toBe(200);
    const events = await live.rest();
    expect(events.find((e) => e.event === 'done')!.data.status).toBe('cancelled');
    const finished = events.find((e) => e.event === 'tool_call_finished')!.data;
    expect(finished).toMatchObject({ tool: LONG, ok: false });
    expect(String(finished.output)).toContain('was stopped');

    const again = await approve(t, await ask(t, 'echo again'));
    expect(eventOf(again, 'tool_call_finished')).toMatchObject({ tool: ECHO, ok: true });
    expect(serverChildren().map((c) => c.pid)).toEqual([server!.pid]);
    await t.app.close();
  });
});
