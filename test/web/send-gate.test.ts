/** The one rule for sending, the approval shortcuts, and what the timeline keeps of password attempts and rules. */
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../web/src/api.js';
import { decisionForKey, pendingApproval, sendGate } from '../../web/src/chat/send-gate.js';
import { applyLogged, newTurn, type Turn } from '../../web/src/chat/turn-model.js';

const task_id = 't1';
const asked: TaskEvent = {
  type: 'tool_approval_requested',
  task_id,
  approval_id: 'a1',
  tool: 'shell_exec_safe',
  args: { command: 'sudo true' },
  reason: 'asked',
  risk_level: 'medium',
  action_type: 'privileged',
  needs_password: true,
  status: 'waiting_for_approval',
};
const fold = (events: TaskEvent[], turn: Turn = newTurn('k', 'run it')) => events.reduce((t, e, i) => applyLogged(t, e, i + 1), turn);

describe('sending waits on a pending approval or password', () => {
  it('is closed while an approval or a password waits, and says why', () => {
    const waiting = fold([asked]);
    const gate = sendGate({ turns: [waiting], busy: false, loading: false });
    expect(gate).toMatchObject({ open: false, why: 'approval' });
    expect(!gate.open && gate.message).toContain('press O to allow once');
    expect(pendingApproval([waiting])?.item.id).toBe('a1');
    const password: TaskEvent = { type: 'tool_password_requested', task_id, approval_id: 'a1', tool: 'shell_exec_safe', args: { command: 'sudo true' }, reason: 'r', attempt: 1, status: 'waiting_for_password' };
    expect(sendGate({ turns: [fold([asked, password])], busy: false, loading: false })).toMatchObject({ open: false, why: 'password' });
    expect(sendGate({ turns: [], busy: false, loading: false })).toEqual({ open: true });
    expect(sendGate({ turns: [], busy: true, loading: false })).toMatchObject({ open: false, why: 'busy' });
  });

  it('names the A key only where the card offers "always"', () => {
    const message = (event: TaskEvent) => {
      const gate = sendGate({ turns: [fold([event])], busy: false, loading: false });
      return gate.open ? '' : gate.message;
    };
    // sudo: no rule is ever offered.
    expect(message(asked)).not.toContain('A to always allow');
    const edit: TaskEvent = { ...asked, tool: 'file_edit', args: { path: 'notes.txt' }, needs_password: false, action_type: 'file_write', reason: 'file_edit would change notes.txt in the workspace' };
    expect(message(edit)).toContain('A to always allow');
    expect(message({ ...edit, reason: 'outside the workspace. "Always allow" is not offered for writes outside the workspace.' })).not.toContain('A to always allow');
  });
});

describe('approval shortcuts', () => {
  const press = (init: KeyboardEventInit & { target?: string }) => {
    const target = { closest: (selector: string) => (init.target && selector.includes(init.target) ? {} : null) };
    return { defaultPrevented: false, repeat: false, isComposing: false, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, key: '', code: '', ...init, target } as unknown as KeyboardEvent;
  };
  it('bare letters count outside text fields, Alt+Shift anywhere, never with Ctrl or in a dialog', () => {
    // Element is not defined in node: decisionForKey then treats the target as no element.
    (globalThis as { Element?: unknown }).Element ??= Object;
    expect(decisionForKey(press({ key: 'o' }))).toBe('allow_once');
    expect(decisionForKey(press({ key: 'a' }))).toBe('allow_always');
    expect(decisionForKey(press({ key: 'd' }))).toBe('deny');
    expect(decisionForKey(press({ key: 'x' }))).toBe(null);
    expect(decisionForKey(press({ key: 'o', target: 'textarea' }))).toBe(null);
    expect(decisionForKey(press({ key: 'Ø', code: 'KeyO', altKey: true, shiftKey: true, target: 'textarea' }))).toBe('allow_once');
    expect(decisionForKey(press({ key: 'd', ctrlKey: true }))).toBe(null);
    expect(decisionForKey(press({ key: 'd', target: 'dialog' }))).toBe(null);
  });
});

describe('the timeline', () => {
  it('replaces a run sudo refused with a note, and shows the rule a call ran under', () => {
    const refused = fold([
      asked,
      { type: 'tool_call_started', task_id, call_id: 'c1', tool: 'shell_exec_safe', args: { command: 'sudo true' } },
      { type: 'tool_call_finished', task_id, call_id: 'c1', tool: 'shell_exec_safe', ok: false, output: 'Sorry, try again.', truncated: false },
      { type: 'password_attempt', task_id, approval_id: 'a1', attempt: 1, accepted: false },
    ]);
    expect(refused.items.some((i) => i.kind === 'tool')).toBe(false);
    expect(refused.items.at(-1)).toMatchObject({ kind: 'note', text: 'The sudo password was not accepted (attempt 1)' });

    const rule = { rule_id: 'rule_1', tool: 'shell_exec_safe', kind: 'command' as const, pattern: 'ls', workspace: '/w' };
    const ran = fold([{ type: 'tool_call_started', task_id, call_id: 'c2', tool: 'shell_exec_safe', args: { command: 'ls' }, approved_by_rule: rule }]);
    expect(ran.items[0]).toMatchObject({ kind: 'tool', rule });
  });
});
