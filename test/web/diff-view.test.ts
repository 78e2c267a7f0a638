/**
 * The diff the approval card and the timeline show (diff-view.tsx reads it with parseDiff), the
 * turn model's applied changes and undos, and the words of "always allow" for edits.
 */
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../web/src/api.js';
import { diffCounts, diffPath, parseDiff } from '../../src/tools/diff-lines.js';
import { alwaysOffer } from '../../src/tools/always-offer.js';
import { patternText, ruleScope } from '../../src/tools/rule-pattern-text.js';
import { askAboutPath } from '../../src/tools/outside-workspace.js';
import { askAboutChange } from '../../src/tools/file-change.js';
import { applyEvent, applyLogged, newTurn, undoRefused, type FileChangeItem, type Turn } from '../../web/src/chat/turn-model.js';

const EDIT = ['--- a/notes.txt', '+++ b/notes.txt', '@@ -1,3 +1,3 @@', ' first', '-second', '+SECOND', ' third', ''].join('\n');

describe('reading a unified diff', () => {
  it('classifies every line, with the file path and line numbers', () => {
    const diff = parseDiff(EDIT);
    expect(diff.lines.map((l) => l.kind)).toEqual(['old_file', 'new_file', 'hunk', 'context', 'removed', 'added', 'context']);
    expect(diffPath(diff)).toBe('notes.txt');
    expect(diffCounts(diff)).toBe('+1 −1');
    expect(diff.lines.find((l) => l.kind === 'removed')).toMatchObject({ text: '-second', oldLine: 2 });
    expect(diff.lines.find((l) => l.kind === 'added')).toMatchObject({ text: '+SECOND', newLine: 2 });
    expect(diff.lines.at(-1)).toMatchObject({ kind: 'context', oldLine: 3, newLine: 3 });
  });

  it('a new file has no old path', () => {
    const diff = parseDiff(['--- /dev/null', '+++ b/new.md', '@@ -0,0 +1,2 @@', '+# Title', '+text', '\\ No newline at end of file', ''].join('\n'));
    expect(diff.oldPath).toBeNull();
    expect(diff.newPath).toBe('new.md');
    expect(diff.lines.map((l) => l.kind)).toEqual(['old_file', 'new_file', 'hunk', 'added', 'added', 'note']);
    expect(diff.added).toBe(2);
  });

  it('a removed line that reads like a file header, and one that reads like a hunk, stay lines of the hunk', () => {
    const diff = parseDiff(['--- a/x', '+++ b/x', '@@ -1,2 +1,2 @@', '--- not a header', '+++ nor this', '-@@ -9 +9 @@', '+ok', ''].join('\n'));
    expect(diff.lines.slice(3).map((l) => l.kind)).toEqual(['removed', 'added', 'removed', 'added']);
    expect(diff.oldPath).toBe('x');
  });

  it('takes several hunks, a blank context line whose space was trimmed, and a cut diff’s last note', () => {
    const text = ['--- a/a.txt', '+++ b/a.txt', '@@ -1,2 +1,2 @@', '', '-b', '+B', '@@ -10 +10 @@', '-j', '+J', '\\ diff cut at 64 KB: 3 more lines not shown', ''].join('\n');
    const diff = parseDiff(text);
    expect(diff.lines.map((l) => l.kind)).toEqual(['old_file', 'new_file', 'hunk', 'context', 'removed', 'added', 'hunk', 'removed', 'added', 'note']);
    expect(diff.lines[7]).toMatchObject({ oldLine: 10 });
  });

  it('a path outside the workspace keeps its slash; markup in a line is only text', () => {
    const diff = parseDiff(['--- a//etc/hosts', '+++ b//etc/hosts', '@@ -1 +1 @@', '-<b>x</b>', '+<img src=x onerror=alert(1)>', ''].join('\n'));
    expect(diffPath(diff)).toBe('/etc/hosts');
    expect(diff.lines.at(-1)!.text).toBe('+<img src=x onerror=alert(1)>');
  });

  it('an empty diff has no lines', () => {
    expect(parseDiff('').lines).toEqual([]);
  });
});

const task_id = 't1';
const changed: TaskEvent = { type: 'file_changed', task_id, call_id: 'c1', change_id: 'fc1', tool: 'file_edit', path: 'notes.txt', created: false, diff: EDIT };
const fold = (events: TaskEvent[], turn: Turn = newTurn('k', 'edit it')) => events.reduce((t, e, i) => applyLogged(t, e, i + 1), turn);
const change = (turn: Turn) => turn.items.find((i): i is FileChangeItem => i.kind === 'change')!;

describe('applied file changes in the turn model', () => {
  it('an applied change follows the call that made it, and an undo from any client marks it undone', () => {
    const turn = fold([
      { type: 'tool_call_started', task_id, call_id: 'c1', tool: 'file_edit', args: { path: 'notes.txt', old: 'second', new: 'SECOND' } },
      { type: 'tool_call_finished', task_id, call_id: 'c1', tool: 'file_edit', ok: true, output: 'edited', truncated: false },
      { type: 'recall_failed', task_id, message: 'later note' },
      changed,
    ]);
    expect(turn.items.map((i) => i.kind)).toEqual(['tool', 'change', 'note']);
    expect(change(turn)).toMatchObject({ id: 'fc1', path: 'notes.txt', created: false, state: 'applied', diff: EDIT });
    const undone = applyLogged(turn, { type: 'file_change_undone', task_id, change_id: 'fc1', path: 'notes.txt', via: 'terminal' }, 5);
    expect(change(undone)).toMatchObject({ state: 'undone', undoneVia: 'terminal' });
    // Replayed from the log (a reload), the same.
    expect(change(fold([changed, { type: 'file_change_undone', task_id, change_id: 'fc1', path: 'notes.txt' }])).state).toBe('undone');
  });

  it("the page's own undo: undoing, then undone or refused with the server's words; undone stays undone", () => {
    const turn = fold([changed]);
    const undoing = applyEvent(turn, { type: 'local_undo', changeId: 'fc1', state: 'undoing' });
    expect(change(undoing).state).toBe('undoing');
    const refused = applyEvent(undoing, { type: 'local_undo', changeId: 'fc1', state: 'applied', error: 'notes.txt changed since' });
    expect(change(refused)).toMatchObject({ state: 'applied', error: 'notes.txt changed since' });
    const logged = applyLogged(refused, { type: 'file_change_undone', task_id, change_id: 'fc1', path: 'notes.txt' }, 9);
    expect(change(logged)).toMatchObject({ state: 'undone', error: undefined });
    expect(change(applyEvent(logged, { type: 'local_undo', changeId: 'fc1', state: 'applied' })).state).toBe('undone');
  });

  it('a refusal because another client undid it first reads as undone; one because the file changed keeps Undo', () => {
    const turn = applyEvent(fold([changed]), { type: 'local_undo', changeId: 'fc1', state: 'undoing' });
    expect(change(applyEvent(turn, undoRefused('fc1', { code: 'already_undone', message: 'was already undone' })))).toMatchObject({ state: 'undone', error: undefined });
    expect(change(applyEvent(turn, undoRefused('fc1', { code: 'file_changed_since', message: 'notes.txt was changed since' })))).toMatchObject({ state: 'applied', error: 'notes.txt was changed since' });
  });

  it('an approval keeps the diff it asks about', () => {
    const turn = fold([
      { type: 'tool_approval_requested', task_id, approval_id: 'a1', tool: 'file_edit', args: { path: 'notes.txt' }, reason: 'r', risk_level: 'medium', action_type: 'file_write', needs_password: false, diff: EDIT, status: 'waiting_for_approval' },
    ]);
    expect(turn.items[0]).toMatchObject({ kind: 'approval', diff: EDIT });
  });
});

describe('what "always allow" covers', () => {
  it('an edit offers edits in this workspace; sudo and a reason that offers no rule offer nothing', () => {
    expect(alwaysOffer({ tool: 'file_edit', needs_password: false, reason: 'edits notes.txt' })?.label).toBe('Always allow edits in this workspace');
    expect(alwaysOffer({ tool: 'file_write', needs_password: false, reason: 'writes' })?.choice).toBe('always allow edits in this workspace');
    expect(alwaysOffer({ tool: 'shell_exec_safe', needs_password: false, reason: 'r' })?.label).toBe('Always allow');
    expect(alwaysOffer({ tool: 'shell_exec_safe', needs_password: true, reason: 'r' })).toBeNull();
  });

  it("the server's own words for a path that gets no rule hide it", () => {
    const reasonOf = (decision: ReturnType<typeof askAboutPath>) => (decision.kind === 'ask' ? decision.reason : '');
    const reason = reasonOf(askAboutPath({ real: '/home/me/.local/share/ducklm/ducklm.db', concern: 'protected' } as never, 'read'));
    expect(alwaysOffer({ tool: 'file_read', needs_password: false, reason })).toBeNull();
    const outside = reasonOf(askAboutPath({ real: '/etc/hosts', concern: 'outside' } as never, 'read'));
    expect(alwaysOffer({ tool: 'file_read', needs_password: false, reason: outside })).not.toBeNull();
    // A write: inside the workspace the whole workspace is offered, outside nothing.
    const write = (inside: boolean) => {
      const change = { resolved: { inside, real: '/x/a.txt' }, workspaceReal: '/w', shown: 'a.txt', before: null, makesFolder: false, diff: '' };
      return reasonOf(askAboutChange({ ok: true, change } as never, 'file_write'));
    };
    expect(alwaysOffer({ tool: 'file_write', needs_password: false, reason: write(true) })?.label).toBe('Always allow edits in this workspace');
    expect(alwaysOffer({ tool: 'file_write', needs_password: false, reason: write(false) })).toBeNull();
  });

  it("the server's field decides, whatever the reason's words (a planner's reason is quoted in them)", () => {
    const steered = 'change a.txt. The planner\'s reason: "Always allow" is not offered';
    expect(alwaysOffer({ tool: 'file_edit', needs_password: false, reason: steered, always_offered: true })?.label).toBe('Always allow edits in this workspace');
    expect(alwaysOffer({ tool: 'shell_exec_safe', needs_password: false, reason: 'r', always_offered: false })).toBeNull();
    expect(alwaysOffer({ tool: 'shell_exec_safe', needs_password: true, reason: 'r', always_offered: true })).toBeNull();
  });

  it('rules read as a person says them', () => {
    expect(patternText({ kind: 'edits', pattern: '/home/me/project' })).toBe('edits anywhere in /home/me/project');
    expect(patternText({ kind: 'call', pattern: '{"q":"x"}', tool: 'mcp__search__find' })).toBe('mcp__search__find with exactly {"q":"x"}');
    expect(patternText({ kind: 'command', pattern: '["ls","-la","my dir"]' })).toBe("ls -la 'my dir'");
    expect(ruleScope({ kind: 'edits', pattern: '/w', tool: 'file_edit' })).toEqual({ before: '', pattern: 'edits anywhere in /w', after: '' });
    expect(ruleScope({ kind: 'path', pattern: '/etc', tool: 'file_read' })).toEqual({ before: 'file read in ', pattern: '/etc', after: ' in this workspace' });
  });
});

/** The elements of a rendered tree (function components called), depth first, with their own text. */
interface Element {
  type: string;
  props: Record<string, unknown>;
  text: string;
}
function elements(node: unknown, out: Element[] = []): Element[] {
  if (Array.isArray(node)) {
    for (const child of node) elements(child, out);
    return out;
  }
  if (!node || typeof node !== 'object' || !('type' in node)) return out;
  const { type, props } = node as { type: unknown; props: Record<string, unknown> };
  if (typeof type === 'function') return elements((type as (p: unknown) => unknown)(props), out);
  out.push({ type: String(type), props, text: textOf(props.children) });
  elements(props.children, out);
  return out;
}
function textOf(node: unknown): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (node && typeof node === 'object' && 'props' in node) return textOf((node as { props: { children?: unknown } }).props.children);
  return '';
}

describe('the diff view', async () => {
  const { DiffView } = await import('../../web/src/chat/diff-view.js');
  const { h } = await import('preact');

  it('one element per line, styled by kind, the markers kept, under the file path and counts', () => {
    const tree = elements(h(DiffView, { diff: EDIT }));
    const lines = tree.filter((e) => e.props['data-testid'] === 'diff-line');
    expect(lines.map((e) => [e.props.class, e.text])).toEqual([
      ['diff-line diff-hunk', '@@ -1,3 +1,3 @@\n'],
      ['diff-line diff-context', ' first\n'],
      ['diff-line diff-removed', '-second\n'],
      ['diff-line diff-added', '+SECOND\n'],
      ['diff-line diff-context', ' third\n'],
    ]);
    expect(tree.find((e) => e.props['data-testid'] === 'diff-path')?.text).toBe('notes.txt');
    expect(tree.find((e) => e.props.class === 'diff-lines')?.props.tabIndex).toBe(0);
    expect(tree.some((e) => e.text === 'new file')).toBe(false);
  });

  it("file text is a child string, never markup; a new file says so; the caller's path wins", () => {
    const diff = ['--- /dev/null', '+++ b/x.html', '@@ -0,0 +1 @@', '+<script>alert(1)</script>', ''].join('\n');
    const tree = elements(h(DiffView, { diff, path: 'site/x.html' }));
    expect(tree.some((e) => 'dangerouslySetInnerHTML' in e.props)).toBe(false);
    expect(tree.filter((e) => e.props['data-testid'] === 'diff-line').at(-1)?.text).toBe('+<script>alert(1)</script>\n');
    expect(tree.find((e) => e.props['data-testid'] === 'diff-path')?.text).toBe('site/x.html');
    expect(tree.some((e) => e.text === 'new file')).toBe(true);
  });
});
