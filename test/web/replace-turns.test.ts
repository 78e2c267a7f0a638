/** Which turns Retry and Edit offer to replace, what they take away, and the edit box's keys. */
import { describe, expect, it } from 'vitest';
import { canEdit, canRetry, editKey, replaceNotice, turnsBefore, turnsFrom } from '../../web/src/chat/replace-turns.js';
import { newTurn, type Turn, type TurnStatus } from '../../web/src/chat/turn-model.js';

const turn = (n: number, status: TurnStatus = 'completed', taskId: string | null = `task_${n}`): Turn => ({ ...newTurn(`k${n}`, `message ${n}`), taskId, status });

describe('replacing turns', () => {
  const turns = [turn(1), turn(2), turn(3)];

  it('keeps the turns before the replaced one and takes it and every later one away', () => {
    expect(turnsBefore(turns, 'task_2').map((t) => t.key)).toEqual(['k1']);
    expect(turnsFrom(turns, 'task_2').map((t) => t.key)).toEqual(['k2', 'k3']);
    expect(turnsBefore(turns, 'task_1')).toEqual([]);
    // A task this page never showed takes nothing away.
    expect(turnsBefore(turns, 'task_9')).toBe(turns);
    expect(turnsFrom(turns, 'task_9')).toEqual([]);
  });

  it('offers Retry on the last turn only once it ended, failed and stopped ones included', () => {
    expect(canRetry(turns[2]!, turns)).toBe(true);
    expect(canRetry(turns[1]!, turns)).toBe(false);
    for (const status of ['failed', 'cancelled'] as const) {
      const list = [turn(1), turn(2, status)];
      expect(canRetry(list[1]!, list)).toBe(true);
    }
    for (const status of ['running', 'sending', 'waiting_for_approval', 'waiting_for_password'] as const) {
      const list = [turn(1), turn(2, status)];
      expect(canRetry(list[1]!, list)).toBe(false);
      expect(canEdit(list[1]!)).toBe(false);
    }
    // A message whose task never started has nothing to replace.
    const unsent = [turn(1, 'failed', null)];
    expect(canRetry(unsent[0]!, unsent)).toBe(false);
    expect(canEdit(unsent[0]!)).toBe(false);
    expect(canEdit(turns[0]!)).toBe(true);
  });

  it('says plainly how many later messages an edit replaces', () => {
    expect(replaceNotice(turns, 'k3')).toBeNull();
    expect(replaceNotice(turns, 'k2')).toBe("Sending replaces this message's answer and the later message with its answer.");
    expect(replaceNotice(turns, 'k1')).toBe("Sending replaces this message's answer and the 2 later messages with their answers.");
  });
});

describe('the edit box keys', () => {
  const key = (init: Partial<Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'isComposing'>>) => editKey({ key: '', ctrlKey: false, metaKey: false, isComposing: false, ...init });
  it('Ctrl or Cmd with Enter sends, Esc cancels, plain Enter and composing are left to the text box', () => {
    expect(key({ key: 'Enter', ctrlKey: true })).toBe('send');
    expect(key({ key: 'Enter', metaKey: true })).toBe('send');
    expect(key({ key: 'Escape' })).toBe('cancel');
    expect(key({ key: 'Enter' })).toBeNull();
    expect(key({ key: 'Enter', ctrlKey: true, isComposing: true })).toBeNull();
  });
});
