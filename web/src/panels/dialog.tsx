import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/**
 * A modal built on the native <dialog>: the browser traps focus, makes the page behind inert and
 * closes on Esc. Mount it to open it; `onClose` unmounts it.
 */
export function Dialog({ title, onClose, testId, children }: { title: string; onClose(): void; testId?: string; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  // A press that starts inside (say, selecting text) and ends on the backdrop is not a backdrop click.
  const pressedBackdrop = useRef(false);

  // A layout effect: open before the content's own effects run, so they can move focus inside.
  useLayoutEffect(() => {
    const dialog = ref.current!;
    // The dialog is a focused element's ancestor once open: restore focus to the opener afterwards.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class="panel-dialog"
      aria-labelledby="panel-dialog-title"
      data-testid={testId}
      onClose={() => close.current()}
      // A click on the backdrop lands on the <dialog> itself (it has no padding), not on its content.
      onMouseDown={(e) => (pressedBackdrop.current = e.target === ref.current)}
      onClick={(e) => e.target === ref.current && pressedBackdrop.current && close.current()}
    >
      <header class="panel-dialog-head">
        <h2 id="panel-dialog-title">{title}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick={() => close.current()}>
          ×
        </button>
      </header>
      <div class="panel-dialog-body">{children}</div>
    </dialog>
  );
}
