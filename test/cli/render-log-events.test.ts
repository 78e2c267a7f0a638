/**
 * What the terminal shows of the task log's own events (who decided, a password tried, a stop
 * asked for), and the reconnecting note that must leave the answer's line as it was.
 */
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/events/task-event.js';
import { EventRenderer } from '../../src/cli/render-events.js';
import { TextOut } from '../../src/cli/text-out.js';

function renderer(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, write: (chunk: string) => (chunks.push(String(chunk)), true) } as unknown as NodeJS.WriteStream;
  const out = new TextOut(stream, undefined, { NO_COLOR: '1' });
  return { render: new EventRenderer({ answer: out, info: out, reasoning: null, stats: false }), text: () => chunks.join('') };
}

const event = (e: object) => ({ task_id: 't', ...e }) as TaskEvent;

describe('task log events in the terminal', () => {
  it('says who decided, how a password went and who asked to stop, never more', () => {
    const { render, text } = renderer(false);
    render.render(event({ type: 'approval_decided', approval_id: 'a', decision: 'allow_once', decided_by: 'person', via: 'web' }));
    render.render(event({ type: 'approval_decided', approval_id: 'a', decision: 'allow_always', decided_by: 'person' }));
    render.render(event({ type: 'approval_decided', approval_id: 'a', decision: 'deny', decided_by: 'cancellation', via: 'terminal' }));
    render.render(event({ type: 'password_attempt', approval_id: 'a', attempt: 1, accepted: false }));
    render.render(event({ type: 'password_attempt', approval_id: 'a', attempt: 2, accepted: true }));
    render.render(event({ type: 'cancel_requested', via: 'web' }));
    expect(text().split('\n')).toEqual([
      'allowed once (web)',
      'always allowed',
      'denied by cancellation (terminal)',
      'sudo did not accept the password',
      'sudo accepted the password',
      'stop requested (web)',
      '',
    ]);
  });

  it('the reconnecting note sits after the answer so far and is erased without breaking its line', () => {
    const { render, text } = renderer(true);
    render.render(event({ type: 'content_delta', delta: 'Once upon' }));
    render.connectionLost('the connection was dropped');
    render.connectionBack();
    render.render(event({ type: 'content_delta', delta: ' a time' }));
    // Saved cursor, the note, then back to the saved place with the rest of the screen erased.
    expect(text()).toBe('Once upon\x1b7 ⟳ the connection was dropped; reconnecting…\x1b8\x1b[J a time');
  });
});
