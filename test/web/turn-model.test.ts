/** The chat's turn reducer on the task log's events: decisions taken anywhere, password attempts, Stop, and events seen twice. */
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../web/src/api.js';
import { applyLogged, newTurn, type ApprovalItem, type Turn } from '../../web/src/chat/turn-model.js';

const task_id = 't1';
const asked: TaskEvent = {
  type: 'tool_approval_requested',
  task_id,
  approval_id: 'a1',
  tool: 'shell_exec_safe',
  args: { command: 'echo hi' },
  reason: 'asked',
  risk_level: 'medium',
  action_type: 'system_info',
  needs_password: false,
  status: 'waiting_for_approval',
};

const NO_STATS = { model_calls: 0, prompt_tokens: 0, completion_tokens: 0, time_to_first_token_ms: null, total_ms: 0, min_tokens_per_second: 0, avg_tokens_per_second: 0, max_tokens_per_second: 0 };

/** Folds events numbered from 1, as the task log numbers them. */
const fold = (events: TaskEvent[], turn: Turn = newTurn('k', 'run it')) => events.reduce((t, e, i) => applyLogged(t, e, i + 1), turn);
const card = (turn: Turn) => turn.items.find((i): i is ApprovalItem => i.kind === 'approval')!;

describe('the turn reducer on logged events', () => {
  it('an approval decided on another client shows as decided, offers to continue until the task resumes, then runs on', () => {
    const decided = fold([asked, { type: 'approval_decided', task_id, approval_id: 'a1', decision: 'allow_always', decided_by: 'person', via: 'terminal' }]);
    expect(card(decided)).toMatchObject({ state: 'allowed_always', resumable: true });
    expect(decided.status).toBe('waiting_for_approval');

    const resumed = applyLogged(decided, { type: 'task_resumed', task_id, approval_id: 'a1', decision: 'allowed' }, 3);
    expect(card(resumed)).toMatchObject({ state: 'allowed_always', resumable: false });
    expect(resumed.status).toBe('running');
  });

  it('a denial and a cancellation read as such', () => {
    expect(card(fold([asked, { type: 'approval_decided', task_id, approval_id: 'a1', decision: 'deny', decided_by: 'person' }])).state).toBe('denied');
    const stopped = fold([
      asked,
      { type: 'cancel_requested', task_id, via: 'web' },
      { type: 'approval_decided', task_id, approval_id: 'a1', decision: 'deny', decided_by: 'cancellation' },
    ]);
    expect(stopped.stopping).toBe(true);
    expect(card(stopped)).toMatchObject({ state: 'cancelled', resumable: false });
    const done = applyLogged(stopped, { type: 'done', task_id, status: 'cancelled', conversation_id: 'c1', generation_stats: NO_STATS }, 4);
    expect(done).toMatchObject({ status: 'cancelled', stopping: false });
  });

  it('a wrong sudo password leaves a note; an accepted one ends the wait', () => {
    const asking: TaskEvent = { type: 'tool_password_requested', task_id, approval_id: 'a1', tool: 'shell_exec_safe', args: { command: 'sudo true' }, reason: 'asked', attempt: 1, status: 'waiting_for_password' };
    const wrong = fold([asked, asking, { type: 'password_attempt', task_id, approval_id: 'a1', attempt: 1, accepted: false }]);
    expect(wrong.items.some((i) => i.kind === 'note' && /not accepted/.test(i.text))).toBe(true);
    expect(wrong.status).toBe('waiting_for_password');
    const right = applyLogged(wrong, { type: 'password_attempt', task_id, approval_id: 'a1', attempt: 2, accepted: true }, 4);
    expect(right).toMatchObject({ status: 'running', password: null });
  });

  it('an event at or below the last sequence number folded in changes nothing, so a resumed stream adds no text twice', () => {
    const once = fold([
      { type: 'content_delta', task_id, delta: 'Ducks ' },
      { type: 'content_delta', task_id, delta: 'float.' },
    ]);
    expect(once).toMatchObject({ answer: 'Ducks float.', seq: 2 });
    expect(applyLogged(once, { type: 'content_delta', task_id, delta: 'float.' }, 2)).toBe(once);
    expect(applyLogged(once, { type: 'content_delta', task_id, delta: ' Yes.' }, 5).answer).toBe('Ducks float. Yes.');
  });
});
