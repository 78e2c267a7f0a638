import { useEffect, useRef } from 'preact/hooks';
import { editKey } from './replace-turns.js';

interface Props {
  text: string;
  /** What sending takes away beyond this message's answer (later messages), or null. */
  notice: string | null;
  /** Why nothing can be sent now (an approval or a password waits), or null when it can. */
  closed: string | null;
  onInput(text: string): void;
  onSend(): void;
  onCancel(): void;
}

/**
 * A user message turned into a text box to change and send again in its place. Ctrl/Cmd+Enter
 * sends and Esc cancels, so that plain Enter can break lines as in the message itself.
 */
export function EditBox({ text, notice, closed, onInput, onSend, onCancel }: Props) {
  const field = useRef<HTMLTextAreaElement>(null);
  // The caret goes to the end of the text, where a change usually starts.
  useEffect(() => {
    const area = field.current;
    if (!area) return;
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }, []);
  const canSend = !closed && text.trim() !== '';
  const onKeyDown = (event: KeyboardEvent) => {
    const key = editKey(event);
    if (!key) return;
    // Esc here leaves the edit; it must not also reach the page's "Esc stops" handler.
    event.preventDefault();
    event.stopPropagation();
    if (key === 'cancel') onCancel();
    else if (canSend) onSend();
  };
  return (
    <form
      class="edit-box"
      data-testid="edit-box"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) onSend();
      }}
    >
      <label class="visually-hidden" for="edit-input">
        Edit the message
      </label>
      <textarea id="edit-input" ref={field} value={text} rows={3} data-testid="edit-input" aria-describedby={notice || closed ? 'edit-notice' : undefined} onInput={(e) => onInput(e.currentTarget.value)} onKeyDown={onKeyDown} />
      {(closed || notice) && (
        <p id="edit-notice" class="edit-notice" data-testid="edit-notice">
          {closed ?? notice}
        </p>
      )}
      <div class="edit-actions">
        <span class="muted small">Ctrl+Enter sends, Esc cancels</span>
        <button type="button" onClick={onCancel} data-testid="edit-cancel">
          Cancel
        </button>
        <button type="submit" class="primary" disabled={!canSend} title={closed ?? undefined} data-testid="edit-send">
          Send
        </button>
      </div>
    </form>
  );
}
