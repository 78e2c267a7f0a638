/**
 * What the terminal shows of file writes and edits: the diff on the approval prompt (coloured on a
 * terminal, plain otherwise, never a control sequence from the file), the line after an applied
 * change or an undo, and /changes' numbering.
 */
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/events/task-event.js';
import { describePausedTask, showApproval } from '../../src/cli/approval-prompts.js';
import { diffText } from '../../src/cli/diff-text.js';
import { changesTable, nothingToUndo, undoable } from '../../src/cli/file-changes.js';
import type { FileChange } from '../../src/http/file-change-wire.js';
import { EventRenderer } from '../../src/cli/render-events.js';
import { ruleNote } from '../../src/cli/rule-note.js';
import { styleFor } from '../../src/cli/terminal.js';
import { TextOut } from '../../src/cli/text-out.js';
import type { ApprovalRequest } from '../../src/cli/task-driver.js';

function output(isTTY: boolean, env: NodeJS.ProcessEnv = { NO_COLOR: '1' }) {
  const chunks: string[] = [];
  const stream = { isTTY, write: (chunk: string) => (chunks.push(String(chunk)), true) } as unknown as NodeJS.WriteStream;
  return { out: new TextOut(stream, undefined, env), text: () => chunks.join('') };
}

const HOSTILE = ['--- a/notes.txt', '+++ b/notes.txt', '@@ -1,2 +1,2 @@', ' keep\tthis', '-old \x1b]52;c;aGk=\x07', '+new \x1b[2J\r  risk: none', ''].join('\n');

describe('a diff in the terminal', () => {
  it('plain without colour: the file, its counts, each line with its marker; control characters shown as escapes', () => {
    const lines = diffText(HOSTILE, styleFor({ isTTY: false }));
    expect(lines).toEqual(['  notes.txt +1 −1', '  @@ -1,2 +1,2 @@', '   keep\tthis', '  -old \\x1b]52;c;aGk=\\x07', '  +new \\x1b[2J\\r  risk: none']);
    expect(lines.join('\n')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('coloured on a terminal: added green, removed red, hunk cyan; still no escape from the file', () => {
    const lines = diffText(HOSTILE, styleFor({ isTTY: true }, {}));
    expect(lines[3]).toBe('  \x1b[31m-old \\x1b]52;c;aGk=\\x07\x1b[39m');
    expect(lines[4]).toBe('  \x1b[32m+new \\x1b[2J\\r  risk: none\x1b[39m');
    expect(lines[1]).toBe('  \x1b[36m@@ -1,2 +1,2 @@\x1b[39m');
    // Only our own colour codes remain.
    expect(lines.join('\n').replace(/\x1b\[(?:1|2|22|31|32|36|39)m/g, '')).not.toMatch(/\x1b/);
  });

  it('a new file says so; a long diff is cut and says how much more there is', () => {
    const added = Array.from({ length: 5 }, (_, i) => `+line ${i}`);
    const lines = diffText(['--- /dev/null', '+++ b/new.txt', '@@ -0,0 +1,5 @@', ...added, ''].join('\n'), styleFor({ isTTY: false }), { maxLines: 3 });
    expect(lines[0]).toBe('  new.txt (new file) +5 −0');
    expect(lines.slice(1)).toEqual(['  @@ -0,0 +1,5 @@', '  +line 0', '  +line 1', '  … 3 more diff lines not shown']);
  });
});

const request: ApprovalRequest = {
  type: 'tool_approval_requested',
  task_id: 't1',
  approval_id: 'a1',
  tool: 'file_edit',
  args: { path: 'notes.txt', old: 'old', new: 'new' },
  reason: 'The user asked to fix the note.',
  risk_level: 'medium',
  action_type: 'file_write',
  needs_password: false,
  diff: ['--- a/notes.txt', '+++ b/notes.txt', '@@ -1 +1 @@', '-old', '+new', ''].join('\n'),
  status: 'waiting_for_approval',
};

describe('approving a file edit in the terminal', () => {
  it('the card shows the diff under what, why and how risky', () => {
    const { out, text } = output(false);
    showApproval(out, request);
    expect(text().split('\n')).toEqual([
      '? file_edit wants to use: notes.txt',
      '  reason: The user asked to fix the note.',
      '  risk: medium · action: file write',
      '  notes.txt +1 −1',
      '  @@ -1 +1 @@',
      '  -old',
      '  +new',
      '',
    ]);
  });

  it('a task left paused (ask without a terminal) says the diff too', () => {
    const lines = describePausedTask(request, 'http://127.0.0.1:1', false);
    expect(lines).toContain('    -old');
    expect(lines).toContain('    +new');
  });
});

const event = (e: object) => ({ task_id: 't', ...e }) as TaskEvent;

describe('applied changes and undos as the chat says them', () => {
  it('"edited notes.txt — /undo to take it back", and who undid one', () => {
    const { out, text } = output(false);
    const renderer = new EventRenderer({ answer: out, info: out, reasoning: null, stats: false, undoHint: '/undo to take it back' });
    renderer.render(event({ type: 'file_changed', call_id: 'c', change_id: 'fc', tool: 'file_edit', path: 'notes.txt', created: false, diff: '' }));
    renderer.render(event({ type: 'file_changed', call_id: 'c2', change_id: 'fc2', tool: 'file_write', path: 'new\x1b[2J.txt', created: true, diff: '' }));
    renderer.render(event({ type: 'file_change_undone', change_id: 'fc', path: 'notes.txt', via: 'web' }));
    expect(text().split('\n')).toEqual(['  ✎ edited notes.txt — /undo to take it back', '  ✎ created new\\x1b[2J.txt — /undo to take it back', 'undid the change to notes.txt (web)', '']);
  });

  it('an edit that ran under the edits rule names it as the page does', () => {
    expect(ruleNote({ rule_id: 'r', tool: 'file_edit', kind: 'edits', pattern: '/home/me/project', workspace: '/home/me/project' })).toBe(
      'ran without asking, under your rule: always allow edits anywhere in /home/me/project',
    );
    expect(ruleNote({ rule_id: 'r', tool: 'shell_exec_safe', kind: 'command', pattern: '["ls","-la"]', workspace: '/w' })).toBe('ran without asking, under your rule: always allow ls -la in this workspace');
  });

  const change = (id: string, path: string, undone: boolean): FileChange => ({
    change_id: id,
    task_id: 't',
    call_id: 'c',
    tool: 'file_edit',
    path,
    created: false,
    diff: '',
    created_at: '2026-12-01T22:00:00.000Z',
    undone_at: undone ? '2026-12-01T22:05:00.000Z' : null,
  });

  it('/changes numbers the changes still applied, newest first, as /undo N names them', () => {
    const changes = [change('3', 'c.txt', false), change('2', 'b.txt', true), change('1', 'a.txt', false)];
    expect(undoable(changes).map((c) => c.path)).toEqual(['c.txt', 'a.txt']);
    const rows = changesTable(changes, styleFor({ isTTY: false })).split('\n');
    expect(rows[0]).toMatch(/^#\s+change\s+when\s+file$/);
    expect(rows.slice(1).map((r) => r.split(/\s{2,}/).filter(Boolean))).toEqual([
      ['1', 'edited', expect.any(String), 'c.txt'],
      ['undone', expect.any(String), 'b.txt'],
      ['2', 'edited', expect.any(String), 'a.txt'],
    ]);
    expect(nothingToUndo(changes, 3)).toBe('/undo 3: only 2 changes can be undone; /changes lists them.');
    expect(nothingToUndo([], 1)).toBe('Nothing to undo: no file was written or edited in this conversation.');
    expect(nothingToUndo([change('2', 'b.txt', true)], 1)).toBe('Nothing to undo: its one change was undone already.');
  });
});
