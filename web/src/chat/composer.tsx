import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';
import type { SendGate } from './send-gate.js';

interface Props {
  value: string;
  onInput(value: string): void;
  onSend(): void;
  onStop(): void;
  /** A stream is running: Send waits, Stop shows. */
  busy: boolean;
  /** There is something to stop (a running, paused or followed task). */
  canStop: boolean;
  /** The text field is off (the conversation is still loading). */
  disabled: boolean;
  /** Whether sending is allowed now, and why not: the one rule for the button, Enter and submit. */
  gate: SendGate;
  reasoning: boolean;
  onReasoning(on: boolean): void;
  textarea: RefObject<HTMLTextAreaElement>;
}

const FIELD_SIZING = typeof CSS !== 'undefined' && CSS.supports('field-sizing', 'content');

/** The message box: Enter sends, Shift+Enter breaks the line, and it grows with its text. */
export function Composer({ value, onInput, onSend, onStop, busy, canStop, disabled, gate, reasoning, onReasoning, textarea }: Props) {
  const canSend = gate.open && value.trim() !== '';
  const waiting = !gate.open && gate.message && gate.why !== 'loading' ? gate.message : null;

  // Where CSS cannot size the field to its content, measure it (CSSOM, which the CSP allows).
  useLayoutEffect(() => {
    const field = textarea.current;
    if (FIELD_SIZING || !field) return;
    field.style.height = 'auto';
    field.style.height = `${field.scrollHeight}px`;
  }, [value]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (canSend) onSend();
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) onSend();
      }}
    >
      <label class="visually-hidden" for="composer-input">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={textarea}
        rows={1}
        value={value}
        placeholder="Ask ducklm… (Enter sends, Shift+Enter for a new line)"
        disabled={disabled}
        aria-describedby={waiting ? 'composer-waiting' : undefined}
        data-testid="composer"
        onInput={(event) => onInput(event.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      {waiting && (
        <p id="composer-waiting" class="composer-waiting" data-testid="composer-waiting">
          {waiting}
        </p>
      )}
      <div class="composer-bar">
        <label class="switch" title="Let the model think before it answers (slower, often better)">
          <input type="checkbox" role="switch" checked={reasoning} data-testid="reasoning-switch" onChange={(event) => onReasoning(event.currentTarget.checked)} />
          <span>Reasoning</span>
        </label>
        <span class="composer-hint muted">Esc stops</span>
        {canStop && (
          <button type="button" class="danger" data-testid="stop" onClick={onStop}>
            Stop
          </button>
        )}
        {!busy && (
          <button type="submit" class="primary" data-testid="send" disabled={!canSend} title={waiting ?? undefined}>
            Send
          </button>
        )}
      </div>
    </form>
  );
}
