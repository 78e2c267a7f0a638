import { useFocusOnMount } from './focus.js';

/**
 * An inline "are you sure?" in place of the item's actions. The safe choice takes the focus, so
 * an Enter pressed out of habit keeps the item; Esc keeps it too.
 */
export function ConfirmBar({ question, action, busy, onConfirm, onCancel }: { question: string; action: string; busy: boolean; onConfirm(): void; onCancel(): void }) {
  const keep = useFocusOnMount<HTMLButtonElement>();
  return (
    <div class="panel-confirm" role="group" aria-label={question} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <span>{question}</span>
      <button type="button" class="danger" disabled={busy} onClick={onConfirm} data-testid="confirm-delete">
        {action}
      </button>
      <button type="button" ref={keep} disabled={busy} onClick={onCancel}>
        Keep
      </button>
    </div>
  );
}
