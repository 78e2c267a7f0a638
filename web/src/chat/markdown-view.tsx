import { useMemo } from 'preact/hooks';
import { copyText } from './copy-text.js';
import { renderMarkdown } from './markdown.js';

function onCopyClick(event: MouseEvent): void {
  const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-copy-code]');
  const code = button?.closest('.code-block')?.querySelector('code');
  if (!button || !code) return;
  void copyText(code.textContent ?? '').then((ok) => {
    button.textContent = ok ? 'Copied' : 'Copy failed';
    window.setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
}

/**
 * An answer rendered as markdown. The HTML is re-rendered only when the text changes, and the
 * text changes at most once per animation frame (the stream batches its events per frame).
 */
export function MarkdownView({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div class="markdown" data-testid="answer" onClick={onCopyClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
