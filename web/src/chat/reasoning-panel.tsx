import { useState } from 'preact/hooks';

/**
 * The model's reasoning, collapsible. It is open while reasoning streams and closes by itself
 * when the answer starts, unless the person opened or closed it themselves.
 */
export function ReasoningPanel({ id, text, live }: { id: string; text: string; live: boolean }) {
  const [chosen, setChosen] = useState<boolean | null>(null);
  const open = chosen ?? live;
  const words = text.split(/\s+/).filter(Boolean).length;
  const regionId = `reasoning-${id}`;
  return (
    <div class={`reasoning${live ? ' live' : ''}`} data-testid="reasoning">
      <button type="button" class="reasoning-toggle" aria-expanded={open} aria-controls={regionId} data-testid="reasoning-toggle" onClick={() => setChosen(!open)}>
        <span class="chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>
        {live ? 'Thinking…' : 'Reasoning'}
        <span class="muted"> · {words} {words === 1 ? 'word' : 'words'}</span>
      </button>
      {open && (
        <div id={regionId} class="reasoning-text" data-testid="reasoning-text">
          {text}
        </div>
      )}
    </div>
  );
}
