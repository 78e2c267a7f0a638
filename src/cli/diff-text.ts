import { diffCounts, diffPath, parseDiff, type DiffLine } from '../tools/diff-lines.js';
import { inert } from './inert.js';
import type { Style } from './terminal.js';

/** A diff longer than this shows its first lines and says how many more there are. */
export const DIFF_LINES_SHOWN = 200;

/**
 * A unified diff for the terminal: a header naming the file, then each line with its +/-/space
 * marker, added lines green and removed red where the terminal has colour (the markers say the
 * same without it). Every line is inert first: a file's bytes never reach the terminal as
 * control sequences, and a line of the file cannot pass for one of ours.
 */
export function diffText(diff: string, style: Style, { indent = '  ', maxLines = DIFF_LINES_SHOWN }: { indent?: string; maxLines?: number } = {}): string[] {
  const parsed = parseDiff(diff);
  const { bold, dim } = style;
  const path = diffPath(parsed);
  const created = parsed.oldPath === null && parsed.newPath !== null;
  const body = parsed.lines.filter((line) => line.kind !== 'old_file' && line.kind !== 'new_file');
  const shown = body.slice(0, maxLines).map((line) => `${indent}${styled(line, style)}`);
  const hidden = body.length - shown.length;
  return [
    `${indent}${bold(path === null ? 'a file' : inert(path))}${created ? dim(' (new file)') : ''} ${dim(diffCounts(parsed))}`,
    ...shown,
    ...(hidden > 0 ? [`${indent}${dim(`… ${hidden} more diff ${hidden === 1 ? 'line' : 'lines'} not shown`)}`] : []),
  ];
}

function styled(line: DiffLine, { red, green, cyan, dim }: Style): string {
  // One line of the diff is one line on the screen: a tab stays, a \r or an escape shows as such.
  const text = inert(line.text, { multiline: true }).replaceAll('\n', '\\n');
  if (line.kind === 'added') return green(text);
  if (line.kind === 'removed') return red(text);
  if (line.kind === 'hunk') return cyan(text);
  if (line.kind === 'note' || line.kind === 'other') return dim(text);
  return text;
}
