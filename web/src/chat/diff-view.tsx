import { diffCounts, diffPath, parseDiff } from '../../../src/tools/diff-lines.js';

/**
 * A unified diff, line by line: added, removed and context lines and hunk headers each styled,
 * monospace, scrolling when long, under a header naming the file. Each line keeps its +/-/space
 * marker, so that it reads (and copies) as the diff it is without the colours. Every line is
 * text (Preact escapes it); nothing from the file is ever read as HTML. `path`: the file when the caller knows
 * it better than the diff's headers do.
 */
export function DiffView({ diff, path, created = false }: { diff: string; path?: string; created?: boolean }) {
  const parsed = parseDiff(diff);
  const file = path ?? diffPath(parsed) ?? 'the file';
  // The ---/+++ headers say what the header above the lines says already.
  const lines = parsed.lines.filter((line) => line.kind !== 'old_file' && line.kind !== 'new_file');
  return (
    <figure class="diff-view" data-testid="diff-view">
      <figcaption class="diff-head">
        <code class="diff-path" data-testid="diff-path">
          {file}
        </code>
        {(created || (parsed.oldPath === null && parsed.newPath !== null)) && <span class="badge">new file</span>}
        <span class="diff-counts muted" aria-label={`${parsed.added} added, ${parsed.removed} removed`}>
          {diffCounts(parsed)}
        </span>
      </figcaption>
      {/* Focusable so that a keyboard can scroll a long diff. */}
      <pre class="diff-lines" tabIndex={0} aria-label={`Changes to ${file}`}>
        {lines.map((line, i) => (
          <span key={i} class={`diff-line diff-${line.kind}`} data-testid="diff-line" data-kind={line.kind}>
            {line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}
