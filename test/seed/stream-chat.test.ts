/**
 * The original project's smoke tests (shared/seed/test_api_stream_chat.py.txt), one port per
 * test, asserting what each original asserts. SSE frames are parsed; JSON spacing differs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { eventsOf, firstOf, type SseResponse } from '../support/sse-client.js';
import { startTestApp, tempDir } from '../support/test-app.js';

const types = (r: SseResponse) => r.events.map((e) => e.event);
const indexOfStage = (r: SseResponse, stage: string) => r.events.findIndex((e) => e.event === 'runtime_status' && e.data.stage === stage);

describe('seed: POST /v1/chat/stream and its continuations', () => {
  it('emits SSE reasoning and content with generation stats', async () => {
    const model = new FakeModelClient({
      chat: { action: directive(), memory_policy: { should_store: false, summary: '' } },
      stream: [
        { type: 'reasoning_delta', delta: 'thinking' },
        { type: 'content_delta', delta: 'answer' },
      ],
    });
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'hello', workspace: './workspace', debug: true });

    expect(r.status).toBe(200);
    expect(types(r)).toEqual(expect.arrayContaining(['reasoning_delta', 'content_delta', 'done']));
    expect(r.body).toContain('event: reasoning_delta');
    expect(r.body).toContain('event: content_delta');
    expect(r.body).toContain('event: done');
    const stats = firstOf(r, 'done').generation_stats as Record<string, number>;
    expect(stats).toHaveProperty('min_tokens_per_second');
    expect(stats).toHaveProperty('avg_tokens_per_second');
    expect(stats).toHaveProperty('max_tokens_per_second');
    expect(stats.max_tokens_per_second).toBeGreaterThanOrEqual(stats.min_tokens_per_second!);
    expect(firstOf(r, 'reasoning_delta').delta).toBe('thinking');
    expect(firstOf(r, 'content_delta').delta).toBe('answer');
  });

  it('forwards the reasoning toggle to the thinker', async () => {
    const model = new FakeModelClient({
      chat: { action: directive(), memory_policy: { should_store: false, summary: '' } },
      stream: [{ type: 'content_delta', delta: 'answer' }],
    });
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'hello', workspace: './workspace', debug: true, reasoning: 'off' });

    expect(r.status).toBe(200);
    expect(types(r)).toContain('done');
    const streamed = model.calls.filter((c) => c.kind === 'stream');
    expect(streamed.map((c) => ({ role: c.role, reasoning: c.options.reasoning }))).toEqual([{ role: 'thinker', reasoning: 'off' }]);
  });

  it('skips the action role for a direct memory question', async () => {
    const model = new FakeModelClient({
      chat: {
        recall: { relevant_ids: ['0'], sufficient_to_answer: true, reasoning: 'name memory is relevant and sufficient' },
        memory_policy: { should_store: false, memory_type: 'note', summary: 'Recall answer, no new memory.', importance: 0.1, scope: 'conversation', metadata: {} },
      },
      stream: [{ type: 'content_delta', delta: 'Вас зовут Владимир.' }],
    });
    const t = await startTestApp({ model });
    await t.post('/v1/memory', { text: 'Пользователя зовут Владимир.', workspace: './workspace', scope: 'global', memory_type: 'fact', importance: 0.8 });
    const r = await t.stream('/v1/chat/stream', { message: 'Как меня зовут? Ответь коротко.', workspace: './workspace' });
    const taskId = firstOf(r, 'runtime_status').task_id as string;
    const events = (await t.get(`/v1/tasks/${taskId}/events`)).json as { event_type: string }[];

    expect(r.status).toBe(200);
    expect(r.body).toContain('Вас зовут Владимир.');
    expect(model.roles()).not.toContain('action');
    expect(model.roles('stream')).toEqual(['thinker']);
    expect(events.some((e) => e.event_type === 'action_loop_skipped')).toBe(true);
    // The recalled memory reached the thinker.
    expect(model.calls.find((c) => c.role === 'thinker')!.messages.at(-1)!.content).toContain('Пользователя зовут Владимир.');
  });

  it('runs memory policy and reflection after completion', async () => {
    const model = new FakeModelClient({
      chat: {
        action: directive(),
        memory_policy: { should_store: true, memory_type: 'preference', summary: 'User wants streamed chats to retain memory.', importance: 0.8, scope: 'workspace', metadata: {} },
        critic: 'Task completed. Reusable lesson: streamed tasks need post-processing.',
      },
      stream: [{ type: 'content_delta', delta: 'streamed answer' }],
    });
    const t = await startTestApp({ model, env: { DUCK_ENABLE_REFLECTION: '1' } });
    const r = await t.stream('/v1/chat/stream', { message: 'remember this', workspace: t.dir, debug: true });
    const taskId = firstOf(r, 'runtime_status').task_id as string;
    await t.app.runtime.idle();
    const eventTypes = ((await t.get(`/v1/tasks/${taskId}/events`)).json as { event_type: string }[]).map((e) => e.event_type);
    const memory = (await t.get(`/v1/memory?workspace=${encodeURIComponent(t.dir)}`)).json;
    const experience = (await t.get('/v1/experience')).json as unknown[];

    expect(r.status).toBe(200);
    expect(types(r)).toContain('done');
    expect(eventTypes).toContain('memory_policy_decision');
    expect(eventTypes).toContain('memory_stored');
    expect(eventTypes).toContain('reflection_completed');
    // Post-processing happens strictly after the answer is done.
    expect(eventTypes.indexOf('memory_policy_decision')).toBeGreaterThan(eventTypes.indexOf('done'));
    expect(memory.results[0].text).toBe('User wants streamed chats to retain memory.');
    expect(experience).toHaveLength(1);
  });

  it('executes a tool before streaming the answer', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (messages) => directive(hasObservations(messages) ? [] : [{ tool: 'file_read', args: { path: 'note.txt' }, reason: 'User asked for file contents' }], 'low', 'read requested file'),
        memory_policy: { should_store: false, summary: '' },
      },
      stream: (messages) => {
        expect(hasObservations(messages)).toBe(true);
        return [{ type: 'content_delta', delta: 'answer from tool' }];
      },
    });
    const t = await startTestApp({ model });
    writeFileSync(join(t.dir, 'note.txt'), 'stream tool content');
    const r = await t.stream('/v1/chat/stream', { message: 'read note.txt', workspace: t.dir, debug: true });

    expect(r.status).toBe(200);
    expect(r.body).toContain('event: runtime_status\ndata: {"task_id":');
    expect(r.events[0]).toMatchObject({ event: 'runtime_status', data: { stage: 'planning' } });
    expect(indexOfStage(r, 'planning')).toBeLessThan(types(r).indexOf('tool_call_started'));
    expect(types(r)).toContain('tool_call_started');
    expect(firstOf(r, 'tool_call_finished')).toMatchObject({ tool: 'file_read', ok: true, output: 'stream tool content' });
    expect(firstOf(r, 'content_delta').delta).toBe('answer from tool');
    expect(types(r)).toContain('done');
  });

  it('injects the matched skill into the planner prompt', async () => {
    const model = new FakeModelClient({
      chat: { action: directive(), memory_policy: { should_store: false, summary: '' } },
      stream: [{ type: 'content_delta', delta: 'ok' }],
    });
    const t = await startTestApp({ model });
    const r = await t.stream('/v1/chat/stream', { message: 'analyze repository structure', workspace: t.dir, debug: true });

    expect(r.status).toBe(200);
    expect(types(r)).toContain('done');
    const plannerMessages = model.calls.filter((c) => c.role === 'action').flatMap((c) => c.messages);
    expect(plannerMessages.some((m) => m.content.includes('Active skill:'))).toBe(true);
    expect(plannerMessages.some((m) => m.content.includes('analyze_project'))).toBe(true);
  });

  it('requests approval for a directory outside the workspace', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'workspace');
    const outside = join(dir, 'outside');
    mkdirSync(workspace);
    mkdirSync(outside);
    writeFileSync(join(outside, 'note.txt'), 'external');
    const model = new FakeModelClient({
      chat: { action: directive([{ tool: 'list_dir', args: { path: outside }, reason: 'User asked for that directory' }], 'low', 'list external directory') },
    });
    const t = await startTestApp({ model, dir });
    const r = await t.stream('/v1/chat/stream', { message: 'show outside', workspace, debug: true });

    expect(r.status).toBe(200);
    const request = firstOf(r, 'tool_approval_requested');
    expect(request).toMatchObject({ tool: 'list_dir', args: { path: outside }, status: 'waiting_for_approval' });
    expect(r.body).toContain(outside);
    // Nothing ran: the directory was not listed, and the stream ended cleanly.
    expect(types(r)).not.toContain('tool_call_started');
    expect(firstOf(r, 'done').status).toBe('waiting_for_approval');
    expect(model.roles()).toEqual(['action']);
  });

  it('continues after approval: runs the approved tool and streams the answer', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (messages) => directive(hasObservations(messages) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'uname -a' }, reason: 'User asked for system information' }], 'medium', 'run command'),
        memory_policy: { should_store: false, summary: '' },
      },
      stream: (messages) => {
        const observation = messages.find((m) => m.content.includes('tool_observations'));
        expect(observation?.content).toContain('uname');
        return [{ type: 'content_delta', delta: 'continued after approval' }];
      },
    });
    const runner = new FakeCommandRunner({ stdout: 'Linux duck 6.1.0 x86_64 GNU/Linux\n' });
    const t = await startTestApp({ model, runner });
    const initial = await t.stream('/v1/chat/stream', { message: 'run uname', workspace: t.dir, debug: true });
    const taskId = firstOf(initial, 'runtime_status').task_id as string;
    const pending = (await t.get('/v1/approvals/pending')).json as { approval_id: string; task_id: string }[];
    const approval = pending.find((a) => a.task_id === taskId)!;
    expect((await t.post(`/v1/approvals/${approval.approval_id}/allow_once`)).status).toBe(200);
    const r = await t.stream(`/v1/tasks/${approval.task_id}/continue/stream`, { approval_id: approval.approval_id });

    expect(types(initial)).toContain('tool_approval_requested');
    expect(runner.calls).toHaveLength(1);
    expect(r.status).toBe(200);
    expect(indexOfStage(r, 'running_tool')).toBeGreaterThanOrEqual(0);
    expect(indexOfStage(r, 'running_tool')).toBeLessThan(types(r).indexOf('tool_call_finished'));
    expect(firstOf(r, 'content_delta').delta).toBe('continued after approval');
    expect(types(r)).toContain('done');
    expect(model.roles().filter((role) => role === 'action')).toHaveLength(1);
    const conversationId = firstOf(initial, 'runtime_status').conversation_id as string;
    const conversation = (await t.get(`/v1/conversations/${conversationId}`)).json;
    expect(conversation.messages.at(-1)).toMatchObject({ content: 'continued after approval', status: 'completed' });
  });

  it('asks for the password after an approved sudo command', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (messages) => directive(hasObservations(messages) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'sudo apt update' }, reason: 'Check updates with root privileges' }], 'medium', 'run sudo command'),
      },
    });
    const runner = new FakeCommandRunner();
    const t = await startTestApp({ model, runner });
    const initial = await t.stream('/v1/chat/stream', { message: 'run sudo update', workspace: t.dir, debug: true });
    const taskId = firstOf(initial, 'runtime_status').task_id as string;
    const approval = ((await t.get('/v1/approvals/pending')).json as { approval_id: string; task_id: string }[]).find((a) => a.task_id === taskId)!;
    await t.post(`/v1/approvals/${approval.approval_id}/allow_once`);
    const r = await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval.approval_id });

    expect(r.status).toBe(200);
    expect(firstOf(r, 'tool_password_requested')).toMatchObject({ approval_id: approval.approval_id, status: 'waiting_for_password' });
    expect(r.body).toContain('waiting_for_password');
    expect(r.body.toLowerCase()).toContain('password');
    // Approval alone runs nothing: sudo waits for the password.
    expect(runner.calls).toHaveLength(0);
  });

  it('runs sudo with the password on standard input and streams the answer', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (messages) => directive(hasObservations(messages) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'sudo apt update' }, reason: 'Check updates with root privileges' }], 'medium', 'run sudo command'),
        memory_policy: { should_store: false, summary: '' },
      },
      stream: (messages) => {
        const observation = messages.find((m) => m.content.includes('tool_observations'))!;
        expect(observation.content).toContain('sudo updated');
        expect(observation.content).not.toContain('secret');
        return [{ type: 'content_delta', delta: 'sudo command completed' }];
      },
    });
    const runner = new FakeCommandRunner({ exitCode: 0, stdout: 'sudo updated\n', stderr: '' });
    const t = await startTestApp({ model, runner });
    const initial = await t.stream('/v1/chat/stream', { message: 'run sudo update', workspace: t.dir, debug: true });
    const taskId = firstOf(initial, 'runtime_status').task_id as string;
    const approval = ((await t.get('/v1/approvals/pending')).json as { approval_id: string; task_id: string }[]).find((a) => a.task_id === taskId)!;
    await t.post(`/v1/approvals/${approval.approval_id}/allow_once`);
    await t.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval.approval_id });
    const r = await t.stream(`/v1/tasks/${taskId}/password/stream`, { approval_id: approval.approval_id, password: 'secret' });

    expect(r.status).toBe(200);
    expect(runner.calls[0]!.input).toBe('secret\n');
    expect(runner.calls[0]!.spec).toEqual({ kind: 'argv', argv: ['sudo', '-S', '-k', '-p', '', 'apt', 'update'] });
    expect(types(r)).toContain('tool_call_finished');
    expect(firstOf(r, 'content_delta').delta).toBe('sudo command completed');
    expect(r.body).not.toContain('secret');
  });

  it('exposes shell commands in the redacted command audit', async () => {
    const model = new FakeModelClient({
      chat: {
        action: (messages) => directive(hasObservations(messages) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'apt list --upgradable' }, reason: 'Check available updates' }], 'low', 'check updates'),
        memory_policy: { should_store: false, summary: '' },
      },
      stream: [{ type: 'content_delta', delta: 'updates checked' }],
    });
    const runner = new FakeCommandRunner({ stdout: 'Listing... Done\n' });
    const t = await startTestApp({ model, runner });
    const r = await t.stream('/v1/chat/stream', { message: 'check updates', workspace: t.dir, debug: true });
    const audit = (await t.get('/v1/audit/commands')).json as { event_type: string; payload: Record<string, unknown> }[];

    expect(r.status).toBe(200);
    expect(runner.calls).toHaveLength(1);
    expect(audit[0]!.event_type).toBe('command_audit');
    expect(audit[0]!.payload).toMatchObject({ command: 'apt list --upgradable', risk_level: 'low', action_type: 'package_check', approved: false });
    expect(JSON.stringify(audit).toLowerCase()).not.toContain('password');
    expect(eventsOf(r, 'command_audit')).toHaveLength(1);
  });
});
