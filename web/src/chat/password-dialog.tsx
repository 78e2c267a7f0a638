import { useEffect, useRef } from 'preact/hooks';
import { argsText } from './tool-timeline.js';
import type { PasswordRequest } from './turn-model.js';

interface Props {
  request: PasswordRequest;
  onSubmit(password: string): void;
  onDismiss(): void;
}

/**
 * Asks for the sudo password. The input is uncontrolled: the password is read from it once at
 * submit, the field is emptied, and the dialog goes away, so no state of the page keeps it.
 */
export function PasswordDialog({ request, onSubmit, onDismiss }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const retry = request.attempt > 1;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    input.current?.focus();
    return () => {
      if (input.current) input.current.value = '';
    };
  }, [request.approvalId, request.attempt]);

  const submit = (event: Event) => {
    event.preventDefault();
    const field = input.current;
    if (!field || !field.value) return;
    const password = field.value;
    field.value = '';
    dialog.current?.close();
    onSubmit(password);
  };

  return (
    <dialog ref={dialog} class="password-dialog" data-testid="password-dialog" aria-labelledby="password-title" onCancel={onDismiss}>
      <form method="dialog" onSubmit={submit}>
        <h2 id="password-title">sudo needs your password</h2>
        {retry && (
          <p class="inline-error" role="alert" data-testid="password-retry">
            Wrong password: sudo did not accept it. Try again
            {request.maxAttempts ? ` (attempt ${request.attempt} of ${request.maxAttempts})` : ''}.
          </p>
        )}
        <p class="muted">To run:</p>
        <pre class="approval-command">{argsText(request.args)}</pre>
        <p class="muted small">It is passed to sudo once, on standard input, and never stored.</p>
        <label>
          Password
          <input ref={input} type="password" name="sudo-password" autocomplete="off" autocapitalize="off" spellcheck={false} required data-testid="password-input" />
        </label>
        <div class="dialog-actions">
          <button type="button" onClick={onDismiss}>
            Not now
          </button>
          <button type="submit" class="primary" data-testid="password-submit">
            Run with sudo
          </button>
        </div>
      </form>
    </dialog>
  );
}
