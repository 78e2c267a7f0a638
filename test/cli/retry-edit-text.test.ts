/**
 * The pure pieces behind the chat's /retry and /edit, the rule line and the password retry line:
 * which message a command takes, what it says before replacing, and how a message survives the
 * one-line editor.
 */
import { describe, expect, it } from 'vitest';
import { passwordRetryLine } from '../../src/cli/approval-prompts.js';
import { ApiError } from '../../src/cli/client/api-client.js';
import { busyHint } from '../../src/cli/conversation-busy.js';
import { EventRenderer } from '../../src/cli/render-events.js';
import { editNote, fromEditLine, nthLastTurn, preview, retryNote, toEditLine } from '../../src/cli/replace-exchange.js';
import { TextOut } from '../../src/cli/text-out.js';
import type { TaskEvent } from '../../src/events/task-event.js';
import type { StoredMessage } from '../../src/store/conversations-repo.js';

const msg = (role: StoredMessage['role'], content: string, task_id: string): StoredMessage => ({ role, content, status: 'completed', task_id, created_at: '' });

const conversation = [msg('user', 'My cat is Tom', 't1'), msg('assistant', 'Nice cat.', 't1'), msg('user', 'I like sailing', 't2'), msg('assistant', 'Boats!', 't2'), msg('user', 'And lakes?', 't3')];

describe('which message /retry and /edit take', () => {
  it('the last by default, the Nth-last when asked, with how many come after it and whether it was answered', () => {
    expect(nthLastTurn(conversation, 1)).toEqual({ message: 'And lakes?', taskId: 't3', later: 0, answered: false });
    expect(nthLastTurn(conversation, 2)).toEqual({ message: 'I like sailing', taskId: 't2', later: 1, answered: true });
    expect(nthLastTurn(conversation, 3)).toMatchObject({ taskId: 't1', later: 2 });
    expect(nthLastTurn(conversation, 4)).toBeNull();
    expect(nthLastTurn([], 1)).toBeNull();
  });

  it('says what will be replaced before it is', () => {
    expect(editNote(0)).toBe('Enter replaces this message and its answer · an empty line or Ctrl-C keeps it');
    expect(editNote(3)).toBe('Enter replaces this message and the 3 messages after it, with their answers · an empty line or Ctrl-C keeps them');
    expect(retryNote(nthLastTurn(conversation, 2)!)).toBe('retrying "I like sailing" · replaces the last answer');
    expect(retryNote(nthLastTurn(conversation, 1)!)).toBe('retrying "And lakes?" · in place of the try that got no answer');
  });

  it('shows a long or multi-line message by its first line, and nothing in it reaches the terminal raw', () => {
    expect(preview('first line\nsecond')).toBe('first line …');
    expect(preview('x'.repeat(80))).toBe(`${'x'.repeat(60)}…`);
    expect(preview('clear\x1b[2J')).toBe('clear\\x1b[2J');
  });
});

describe('a message on the one-line editor', () => {
  it('keeps its line breaks as ↵ and gets them back when sent', () => {
    const message = 'Fix this:\n```\nls -la\r\n```\nplease';
    const line = toEditLine(message);
    expect(line).toBe('Fix this:↵```↵ls -la↵```↵please');
    expect(fromEditLine(line)).toBe('Fix this:\n```\nls -la\n```\nplease');
    expect(fromEditLine('  edited ↵ twice  ')).toBe('edited \n twice');
  });

  it('holds nothing a terminal or readline would obey: controls show as escapes, a tab as a space', () => {
    expect(toEditLine('a\tb\x1b[31m\x03c')).toBe('a b\\x1b[31m\\x03c');
  });
});

describe('a conversation busy with another task', () => {
  const busy = (tasks: unknown[]) => new ApiError('A task in this conversation waits for your decision (task_1); …', 409, 'conversation_busy', { tasks });

  it('offers /pending when a task waits, and says to wait when one runs', () => {
    expect(busyHint(busy([{ id: 'task_1', status: 'waiting_for_approval' }]))).toMatch(/^\/pending to answer/);
    expect(busyHint(busy([{ id: 'task_1', status: 'running' }]))).toMatch(/^Wait for it to end/);
    expect(busyHint(new ApiError('Not found', 404, 'not_found'))).toBeNull();
    expect(busyHint(new Error('x'))).toBeNull();
  });
});

describe('what a command run under a rule and a wrong password say', () => {
  function render(events: object[]): string {
    const chunks: string[] = [];
    const stream = { isTTY: false, write: (chunk: string) => (chunks.push(String(chunk)), true) } as unknown as NodeJS.WriteStream;
    const out = new TextOut(stream, undefined, { NO_COLOR: '1' });
    const renderer = new EventRenderer({ answer: out, info: out, reasoning: null, stats: false });
    for (const e of events) renderer.render({ task_id: 't', ...e } as TaskEvent);
    return chunks.join('');
  }
  const rule = { rule_id: 'rule_1', tool: 'shell_exec_safe', workspace: '/w' };

  it('names the rule under the tool line, a command as a shell line, in the words of the web page', () => {
    expect(render([{ type: 'tool_call_started', call_id: 'c', tool: 'shell_exec_safe', args: { command: 'ls -la "my dir"' }, approved_by_rule: { ...rule, kind: 'command', pattern: '["ls","-la","my dir"]' } }])).toBe(
      `▸ shell_exec_safe: ls -la "my dir"\n  ran without asking, under your rule: always allow ls -la 'my dir' in this workspace\n`,
    );
    expect(render([{ type: 'tool_call_started', call_id: 'c', tool: 'file_read', args: { path: 'src/a.ts' }, approved_by_rule: { ...rule, tool: 'file_read', kind: 'path', pattern: '/w/src\x1b[2J' } }])).toContain(
      '  ran without asking, under your rule: always allow file read in /w/src\\x1b[2J in this workspace\n',
    );
    expect(render([{ type: 'tool_call_started', call_id: 'c', tool: 'shell_exec_safe', args: { command: 'ls' } }])).toBe('▸ shell_exec_safe: ls\n');
  });

  it('counts password attempts as the web dialog does', () => {
    expect(passwordRetryLine(2, 3)).toBe('Wrong password, try again (attempt 2 of 3).');
    expect(passwordRetryLine(3, 3)).toBe('Wrong password, try again (attempt 3 of 3, the last).');
    expect(passwordRetryLine(2)).toBe('Wrong password, try again (attempt 2).');
  });
});
