/**
 * A unified diff (what a file write or edit would change, or did) read line by line, for the web
 * page's diff view and the terminal's approval prompt alike. It only classifies lines; it never
 * interprets their text. No imports: the web page bundles it too.
 *
 * Inside a hunk the counts of its `@@ -a,b +c,d @@` header say how many lines belong to it, so a
 * removed line that reads `-- x` (shown `--- x`) is still a removed line, not a file header.
 */
export type DiffLineKind = 'old_file' | 'new_file' | 'hunk' | 'added' | 'removed' | 'context' | 'note' | 'other';

export interface DiffLine {
  kind: DiffLineKind;
  /** The whole line as written, its +/-/space marker included. */
  text: string;
  /** Line numbers in the old and the new file, where the line has one. */
  oldLine?: number;
  newLine?: number;
}

export interface ParsedDiff {
  /** The path of the `--- a/…` and `+++ b/…` headers, without the a/ b/ prefix; null for /dev/null. */
  oldPath: string | null;
  newPath: string | null;
  lines: DiffLine[];
  added: number;
  removed: number;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function headerPath(text: string): string | null {
  // "--- a/notes.txt\t2026-01-01 …": a timestamp may follow a tab.
  const path = text.slice(4).split('\t')[0]!;
  if (path === '/dev/null') return null;
  return /^[ab]\//.test(path) ? path.slice(2) : path;
}

export function parseDiff(text: string): ParsedDiff {
  const raw = text.split('\n');
  // The newline that ends the last line does not start another one.
  if (raw.at(-1) === '') raw.pop();
  const parsed: ParsedDiff = { oldPath: null, newPath: null, lines: [], added: 0, removed: 0 };
  let oldLeft = 0;
  let newLeft = 0;
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  for (const line of raw) {
    const hunk = HUNK.exec(line);
    // No line of a hunk starts with "@@" (each starts with its marker): this starts the next one.
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[3]);
      oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      inHunk = true;
      parsed.lines.push({ kind: 'hunk', text: line });
      continue;
    }
    if (line.startsWith('\\')) {
      // "\ No newline at end of file", or a long diff's "\ diff cut at …" (the hunk's count then runs short).
      parsed.lines.push({ kind: 'note', text: line });
      continue;
    }
    if (inHunk && (oldLeft > 0 || newLeft > 0)) {
      const marker = line[0];
      if (marker === '+' && newLeft > 0) {
        parsed.lines.push({ kind: 'added', text: line, newLine: newNo++ });
        newLeft--;
        parsed.added++;
        continue;
      }
      if (marker === '-' && oldLeft > 0) {
        parsed.lines.push({ kind: 'removed', text: line, oldLine: oldNo++ });
        oldLeft--;
        parsed.removed++;
        continue;
      }
      // A context line; an empty one is a blank line whose leading space was trimmed on the way.
      if (marker === ' ' || line === '') {
        parsed.lines.push({ kind: 'context', text: line, oldLine: oldNo++, newLine: newNo++ });
        oldLeft--;
        newLeft--;
        continue;
      }
    }
    inHunk = false;
    if (line.startsWith('--- ')) {
      parsed.oldPath = headerPath(line);
      parsed.lines.push({ kind: 'old_file', text: line });
    } else if (line.startsWith('+++ ')) {
      parsed.newPath = headerPath(line);
      parsed.lines.push({ kind: 'new_file', text: line });
    } else {
      parsed.lines.push({ kind: 'other', text: line });
    }
  }
  return parsed;
}

/** The file a diff is about: its new path, else (a removal) its old one. */
export const diffPath = (diff: ParsedDiff): string | null => diff.newPath ?? diff.oldPath;

/** "+3 −1": how many lines a diff adds and removes. */
export const diffCounts = (diff: ParsedDiff): string => `+${diff.added} −${diff.removed}`;

/**
 * An applied change's file as the person reads it: its diff names it relative to the workspace
 * (absolute outside it), where the change's own path is always the real, absolute one.
 */
export const shownPath = (change: { path: string; diff: string }): string => diffPath(parseDiff(change.diff)) ?? change.path;
