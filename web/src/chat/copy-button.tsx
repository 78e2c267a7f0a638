import { useEffect, useState } from 'preact/hooks';
import { copyText } from './copy-text.js';

/** How long "Copied" stays before the button reads "Copy" again. */
const SAID_MS = 1500;

/**
 * Copies a whole message as its raw text (an answer's markdown, not the rendered page), and says
 * so on the button itself: a screen reader hears the new label, nothing else moves.
 */
export function CopyButton({ text, what, testId }: { text: string; what: string; testId: string }) {
  const [said, setSaid] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (said === 'idle') return;
    const timer = window.setTimeout(() => setSaid('idle'), SAID_MS);
    return () => window.clearTimeout(timer);
  }, [said]);
  return (
    <button
      type="button"
      class="message-action"
      aria-label={said === 'idle' ? `Copy ${what}` : undefined}
      aria-live="polite"
      data-testid={testId}
      data-state={said}
      onClick={() => void copyText(text).then((ok) => setSaid(ok ? 'copied' : 'failed'))}
    >
      {said === 'copied' ? 'Copied' : said === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}
