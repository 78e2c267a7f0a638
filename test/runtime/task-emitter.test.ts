import { describe, expect, it } from 'vitest';
import { TaskEmitter } from '../../src/runtime/task-emitter.js';
import { Store } from '../../src/store/store.js';

function setup(debug: boolean) {
  const store = Store.open(':memory:');
  const conversation = store.conversations.create('/ws');
  store.tasks.create({ id: 't1', conversation_id: conversation.id, workspace: '/ws', message: 'hi', state: '{}' });
  const seen: string[] = [];
  const emitter = new TaskEmitter(store.events, 't1', debug, (type) => seen.push(type));
  return { store, emitter, seen };
}

describe('the task event log', () => {
  it('streams every delta but logs each run of deltas as one row, in order', () => {
    const { store, emitter, seen } = setup(false);
    emitter.emit({ type: 'runtime_status', stage: 'answering' });
    for (const delta of ['th', 'ink']) emitter.emit({ type: 'reasoning_delta', delta });
    for (const delta of ['Hel', 'lo', '!']) emitter.emit({ type: 'content_delta', delta });
    emitter.emit({ type: 'error', code: 'x', message: 'y' });
    emitter.detach();

    expect(seen).toEqual(['runtime_status', 'reasoning_delta', 'reasoning_delta', 'content_delta', 'content_delta', 'content_delta', 'error']);
    const logged = store.events.list('t1');
    expect(logged.map((e) => [e.seq, e.event_type, e.payload.delta])).toEqual([
      [1, 'runtime_status', undefined],
      [2, 'reasoning_delta', 'think'],
      [3, 'content_delta', 'Hello!'],
      [4, 'error', undefined],
    ]);
    expect(Object.keys(logged[0]!.payload)[0]).toBe('task_id');
  });

  it('shows debug-only events on the stream only with debug, and always logs them', () => {
    for (const debug of [false, true]) {
      const { store, emitter, seen } = setup(debug);
      emitter.emit({ type: 'model_call', role: 'action', model: 'm', prompt_chars: 10, latency_ms: 1, completion_tokens: 2, ok: true });
      expect(seen).toEqual(debug ? ['model_call'] : []);
      expect(store.events.list('t1').map((e) => e.event_type)).toEqual(['model_call']);
    }
  });

  it('after the stream ends, events still reach the log but not the old listener', () => {
    const { store, emitter, seen } = setup(false);
    emitter.detach();
    emitter.emit({ type: 'memory_policy_failed', message: 'nope' });
    expect(seen).toEqual([]);
    expect(store.events.list('t1').map((e) => e.event_type)).toEqual(['memory_policy_failed']);
  });
});
