/**
 * The terminal never obeys text it did not write: model answers, reasoning, commands, reasons,
 * tool output, memories, audit rows and errors reach the screen with every control character
 * inert and visible. Only our own styling codes are real escapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/events/task-event.js';
import { consolePrompts, describePausedTask, showApproval } from '../../src/cli/approval-prompts.js';
import type { ConsoleInput } from '../../src/cli/console-input.js';
import { inert } from '../../src/cli/inert.js';
import { inertJson } from '../../src/cli/options.js';
import { renderMarkdown } from '../../src/cli/markdown-terminal.js';
import { EventRenderer } from '../../src/cli/render-events.js';
import { formatTable } from '../../src/cli/table.js';
import type { ApprovalRequest, PasswordRequest } from '../../src/cli/task-driver.js';
import { styleFor } from '../../src/cli/terminal.js';
import { TextOut } from '../../src/cli/text-out.js';

/** A terminal: records what was written, with colour on (where answers are rendered markdown), or with NO_COLOR (where they are raw text). */
function fakeTerminal(color = true): { out: TextOut; text: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY: true, write: (chunk: string) => (chunks.push(String(chunk)), true) } as unknown as NodeJS.WriteStream;
  return { out: new TextOut(stream, undefined, color ? { TERM: 'xterm-256color' } : { TERM: 'xterm-256color', NO_COLOR: '1' }), text: () => chunks.join('') };
}

/** Our own codes: SGR styling (terminal.ts's colours, and the answer's markdown) and the status line's clear-line. */
const OUR_CODES = /\x1b\[[\d;]*m|\r\x1b\[2K/g;
/** What a terminal would act on: ESC, C0 but newline and tab, DEL, C1, CR, bidi and line separators. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertInert(printed: string): void {
  const foreign = printed.replace(OUR_CODES, '');
  const match = ACTIVE.exec(foreign);
  expect(match, `a raw control character ${JSON.stringify(match?.[0])} in ${JSON.stringify(foreign)}`).toBeNull();
}

/** Hostile pieces: escape sequences, bare controls, bidi overrides; mixed with ordinary text. */
const hostilePiece = fc.oneof(
  fc.constantFrom('\x1b[2J', '\x1b]52;c;ZWNobyBoaQ==\x07', '\x1b]0;title\x1b\\', '\x1b[1A\x1b[2K', '\r', '\x9b2J', '\x9d52;c;eA==\x9c', '\u202e', '\u2066', '\x1b', '\x07', '\x08', '\x7f', '\x00', '\n', '\t', '\u2028', '\x1b[31m'),
  fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0x2000, max: 0x206f }).map((code) => String.fromCharCode(code)),
  fc.string({ maxLength: 8 }),
);
const hostile = fc.array(hostilePiece, { maxLength: 12 }).map((pieces) => pieces.join(''));

const stats = { model_calls: 1, prompt_tokens: 1, completion_tokens: 3, time_to_first_token_ms: 1, total_ms: 10, min_tokens_per_second: 1, avg_tokens_per_second: 2, max_tokens_per_second: 3 };

/** Every event the renderer shows, each with hostile text where the server passes on someone else's. */
const hostileEvent: fc.Arbitrary<TaskEvent> = fc.oneof(
  hostile.map((delta) => ({ type: 'content_delta', task_id: 't', delta }) as TaskEvent),
  hostile.map((delta) => ({ type: 'reasoning_delta', task_id: 't', delta }) as TaskEvent),
  fc.record({ tool: hostile, command: hostile }).map(({ tool, command }) => ({ type: 'tool_call_started', task_id: 't', call_id: 'c', tool, args: { command } }) as TaskEvent),
  fc.record({ tool: hostile, path: hostile }).map(({ tool, path }) => ({ type: 'tool_call_started', task_id: 't', call_id: 'c', tool, args: { path } }) as TaskEvent),
  fc.record({ tool: hostile, key: hostile, value: hostile }).map(({ tool, key, value }) => ({ type: 'tool_denied', task_id: 't', approval_id: 'a', tool, args: { [key]: value } }) as TaskEvent),
  fc.record({ output: hostile, ok: fc.boolean(), exit: fc.option(hostile) }).map(({ output, ok, exit }) => ({ type: 'tool_call_finished', task_id: 't', call_id: 'c', tool: 'x', ok, output: exit === null ? output : `exit_code: ${exit}\n${output}`, truncated: false }) as TaskEvent),
  hostile.map((text) => ({ type: 'memory_stored', task_id: 't', text }) as unknown as TaskEvent),
  hostile.map((skill) => ({ type: 'skill_activated', task_id: 't', skill, source: 'workspace' }) as TaskEvent),
  hostile.map((message) => ({ type: 'recall_failed', task_id: 't', message }) as TaskEvent),
  hostile.map((message) => ({ type: 'error', task_id: 't', code: 'model_error', message }) as TaskEvent),
  // `via` is whatever a client put in its X-Ducklm-Client header.
  fc.record({ via: hostile, by: fc.constantFrom('person', 'cancellation') }).map(({ via, by }) => ({ type: 'approval_decided', task_id: 't', approval_id: 'a', decision: 'deny', decided_by: by, via }) as TaskEvent),
  hostile.map((via) => ({ type: 'cancel_requested', task_id: 't', via }) as TaskEvent),
  fc.constant({ type: 'runtime_status', task_id: 't', stage: 'planning' } as TaskEvent),
  fc.constant({ type: 'done', task_id: 't', conversation_id: 'c', status: 'completed', generation_stats: stats } as TaskEvent),
);

const approval = (command: unknown, reason: string, tool = 'shell_exec_safe'): ApprovalRequest => ({
  type: 'tool_approval_requested',
  task_id: 't',
  approval_id: 'a',
  tool,
  args: { command } as Record<string, unknown>,
  reason,
  risk_level: 'medium',
  action_type: 'file_write',
  needs_password: false,
  status: 'waiting_for_approval',
});

describe('inert', () => {
  it('leaves no control character active, on one line or as a block', () => {
    fc.assert(
      fc.property(hostile, fc.boolean(), (text, multiline) => {
        const shown = inert(text, { multiline });
        assertInert(shown);
        if (!multiline) expect(shown).not.toMatch(/[\n\t]/);
      }),
    );
  });

  it('changes nothing in ordinary text, and shows each control as its escape', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !ACTIVE.test(s) && !/[\n\t\u00ad\u200b-\u200d\u2060\ufeff]/.test(s)), (text) => {
        expect(inert(text)).toBe(text);
      }),
    );
    expect(inert('a\x1b[2Jb\rc\u202ed\x9b\x7f')).toBe('a\\x1b[2Jb\\rc\\u202ed\\x9b\\x7f');
    expect(inert('one\n\ttwo', { multiline: true })).toBe('one\n\ttwo');
    expect(inert('one\n\ttwo')).toBe('one\\n\\ttwo');
    // Invisible characters show in a one-line field (a command), not in an answer (emoji joiners).
    expect(inert('ls\u200b -la')).toBe('ls\\u200b -la');
    expect(inert('👩\u200d💻', { multiline: true })).toBe('👩\u200d💻');
  });
});

describe('every printing path of the terminal client', () => {
  it('streams of hostile events print nothing a terminal would obey, in any order, reasoning on or off', () => {
    fc.assert(
      fc.property(fc.array(hostileEvent, { maxLength: 20 }), fc.boolean(), fc.boolean(), fc.boolean(), (events, showReasoning, stats, color) => {
        const term = fakeTerminal(color);
        const renderer = new EventRenderer({ answer: term.out, info: term.out, reasoning: showReasoning ? term.out : null, stats, markdown: renderMarkdown });
        for (const event of events) renderer.render(event);
        renderer.endLine();
        assertInert(term.text());
      }),
    );
  });

  it('an escape split across two deltas stays inert', () => {
    for (const color of [true, false]) {
      const term = fakeTerminal(color);
      const renderer = new EventRenderer({ answer: term.out, info: term.out, reasoning: null, stats: false, markdown: renderMarkdown });
      renderer.render({ type: 'content_delta', task_id: 't', delta: 'hello \x1b' });
      renderer.render({ type: 'content_delta', task_id: 't', delta: ']52;c;cm0gLXJmIH4=\x07 there' });
      renderer.endLine();
      expect(term.text()).toContain('hello \\x1b]52;c;cm0gLXJmIH4=\\x07 there');
      assertInert(term.text());
    }
  });

  it('approval cards, paused-task notes and password prompts are inert, whatever the command, tool and reason', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (command, reason, tool) => {
        const term = fakeTerminal();
        showApproval(term.out, approval(command, reason, tool));
        const password: PasswordRequest = { type: 'tool_password_requested', task_id: 't', approval_id: 'a', tool, args: { command }, reason, attempt: 1, status: 'waiting_for_password' };
        for (const line of describePausedTask(approval(command, reason, tool), 'http://127.0.0.1:1', true)) term.out.line(line);
        for (const line of describePausedTask(password, 'http://127.0.0.1:1', false)) term.out.line(line);
        const input = { readLine: async () => ({ kind: 'eof' }), readSecret: async () => ({ kind: 'cancelled' }) } as unknown as ConsoleInput;
        const prompts = consolePrompts(input, term.out);
        await prompts.password(password);
        await prompts.approval(approval(command, reason, tool), reason);
        assertInert(term.text());
        // The card is three lines, however many line breaks the model put in.
        const card = fakeTerminal();
        showApproval(card.out, approval(command, reason, tool));
        expect(card.text().split('\n')).toHaveLength(4);
      }),
    );
  });

  it('audit and memory tables, and --json output, are inert', () => {
    fc.assert(
      fc.property(fc.array(fc.array(hostile, { minLength: 3, maxLength: 3 }), { maxLength: 5 }), (rows) => {
        assertInert(formatTable(['A', 'B', 'C'], rows, styleFor({ isTTY: true }, {}), 80));
        const json = inertJson(rows);
        assertInert(json.replace(/\n/g, ''));
        expect(JSON.parse(json)).toEqual(rows);
      }),
    );
  });
});

describe('the examples of the issue', () => {
  it('a reason with \\r cannot paint "ls -la, risk none" over a touch', () => {
    const term = fakeTerminal();
    const command = 'touch CANARY\r\x1b[2Kls -la';
    showApproval(term.out, approval(command, 'list files\r\x1b[1A\x1b[2K? shell_exec_safe wants to run: ls -la\n  risk: none'));
    const text = term.text();
    assertInert(text);
    // The command is shown whole, with its controls visible: the touch is there to read.
    expect(text).toContain('touch CANARY\\r\\x1b[2Kls -la');
    expect(text).toContain('list files\\r\\x1b[1A\\x1b[2K? shell_exec_safe wants to run: ls -la\\n  risk: none');
  });

  it('an answer cannot write the clipboard (OSC 52) or clear the screen', () => {
    for (const color of [true, false]) {
      const term = fakeTerminal(color);
      const renderer = new EventRenderer({ answer: term.out, info: term.out, reasoning: term.out, stats: false, markdown: renderMarkdown });
      renderer.render({ type: 'reasoning_delta', task_id: 't', delta: '\x1b[2J\x1b[H' });
      renderer.render({ type: 'content_delta', task_id: 't', delta: 'Done.\x1b]52;c;cm0gLXJmIH4=\x07\n\tnext' });
      renderer.endLine();
      const text = term.text();
      assertInert(text);
      expect(text).toContain('\\x1b[2J\\x1b[H');
      // As markdown, the tab that starts a paragraph's line is layout, not text.
      expect(text).toContain(color ? 'Done.\\x1b]52;c;cm0gLXJmIH4=\\x07\nnext' : 'Done.\\x1b]52;c;cm0gLXJmIH4=\\x07\n\tnext');
    }
  });
});
