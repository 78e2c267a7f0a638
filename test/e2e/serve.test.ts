/**
 * `ducklm serve` as a real process (the built bin/ducklm.js) against a fake OpenAI-compatible
 * server over real HTTP: a chat with a tool call, an approval and a continuation.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAIServer } from '../support/fake-openai-server.js';
import { e2eAuth as auth, serveProcesses } from '../support/serve-process.js';
import { firstOf, postStream } from '../support/sse-client.js';
import { tempDir } from '../support/temp-dir.js';

const serve = serveProcesses();

describe('ducklm serve, end to end', () => {
  it('chats with a tool call, an approval and a continuation over real HTTP', async () => {
    const model = await startFakeOpenAIServer(({ model: name, messages }) => {
      const observed = messages.at(-1)?.content.includes('tool_observations') ?? false;
      if (name === 'planner') {
        return { content: JSON.stringify({ kind: 'action_directive', intent: 'inspect', risk_level: 'medium', actions: observed ? [] : [{ tool: 'shell_exec_safe', args: { command: 'echo duck-e2e' }, reason: 'user asked' }] }) };
      }
      if (name === 'thinker') return { reasoning: 'The command printed duck-e2e.', content: 'The command said duck-e2e.' };
      return { content: JSON.stringify({ should_store: false, memory_type: 'note', summary: '', importance: 0, scope: 'conversation', metadata: {} }) };
    });
    try {
      const dir = tempDir();
      const { url } = await serve({ DUCK_MODEL_BASE_URL: model.baseUrl, DUCK_MODEL: 'other', DUCK_MODEL_ACTION: 'planner', DUCK_MODEL_THINKER: 'thinker', DUCK_DB_PATH: join(dir, 'duck.sqlite3') });

      const health = (await (await fetch(`${url}/v1/health`, { headers: auth })).json()) as { model: { reachable: boolean } };
      expect(health.model.reachable).toBe(true);

      const first = await postStream(url, '/v1/chat/stream', { message: 'what does echo say?', workspace: dir }, { headers: auth });
      const approval = firstOf(first, 'tool_approval_requested') as { task_id: string; approval_id: string; args: { command: string } };
      expect(approval.args.command).toBe('echo duck-e2e');
      expect(first.events.some((e) => e.event === 'tool_call_started')).toBe(false);

      expect((await fetch(`${url}/v1/approvals/${approval.approval_id}/allow_once`, { method: 'POST', headers: auth })).status).toBe(200);
      const resumed = await postStream(url, `/v1/tasks/${approval.task_id}/continue/stream`, { approval_id: approval.approval_id }, { headers: auth });

      expect(firstOf(resumed, 'tool_call_finished')).toMatchObject({ tool: 'shell_exec_safe', ok: true, output: expect.stringContaining('duck-e2e') });
      expect(resumed.events.filter((e) => e.event === 'reasoning_delta').map((e) => e.data.delta).join('')).toBe('The command printed duck-e2e.');
      expect(resumed.events.filter((e) => e.event === 'content_delta').map((e) => e.data.delta).join('')).toBe('The command said duck-e2e.');
      const done = firstOf(resumed, 'done') as { status: string; generation_stats: { completion_tokens: number } };
      expect(done.status).toBe('completed');
      expect(done.generation_stats.completion_tokens).toBeGreaterThan(0);

      // The planner asked for JSON with a schema; the thinker's answer was streamed.
      const plannerRequest = model.requests.find((r) => r.model === 'planner')!;
      expect(plannerRequest.body.response_format).toMatchObject({ type: 'json_schema' });
      expect(model.requests.find((r) => r.model === 'thinker')!.stream).toBe(true);

      const audit = (await (await fetch(`${url}/v1/audit/commands`, { headers: auth })).json()) as { payload: Record<string, unknown> }[];
      expect(audit[0]!.payload).toMatchObject({ command: 'echo duck-e2e', approved: true, approved_by: 'person', exit_code: 0 });
    } finally {
      await model.close();
    }
  });

  it('without a model server, a chat ends with an error that says how to configure one', async () => {
    const dir = tempDir();
    const { url } = await serve({ DUCK_DB_PATH: join(dir, 'duck.sqlite3') });
    const r = await postStream(url, '/v1/chat/stream', { message: 'hello', workspace: dir }, { headers: auth });
    expect(r.status).toBe(200);
    expect(String(firstOf(r, 'error').message)).toContain('DUCK_MODEL_BASE_URL');
    expect(firstOf(r, 'done').status).toBe('failed');
    const health = (await (await fetch(`${url}/v1/health`, { headers: auth })).json()) as { status: string; model: { configured: boolean } };
    expect(health).toMatchObject({ status: 'ok', model: { configured: false } });
  });
});
