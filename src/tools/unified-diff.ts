import { createHash } from 'node:crypto';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/** A diff longer than this is cut: a card, an event and a row stay readable and small. */
export const MAX_DIFF_CHARS = 64 * 1024;
const CONTEXT_LINES = 3;
/** jsdiff is O(N·D); a rewrite of a big file must not hold the event loop for long. */
const DIFF_TIMEOUT_MS = 2000;

/**
 * The unified diff of a change to `shown` (the path as the person reads it): `a/` and `b/`
 * headers, `--- /dev/null` for a new file, 3 lines of context. A cut diff ends with a line that
 * says so and carries the full diff's fingerprint, so two cut diffs are equal only when the full
 * ones are (a change is applied only when its diff is the one that was approved).
 */
export function unifiedDiff(shown: string, before: string | null, after: string): string {
  // An absolute path (outside the workspace) is shown as git shows one: `a/home/…`.
  const name = shown.replace(/^\/+/, '');
  const oldName = before === null ? '/dev/null' : `a/${name}`;
  const full =
    createTwoFilesPatch(oldName, `b/${name}`, before ?? '', after, undefined, undefined, { context: CONTEXT_LINES, headerOptions: FILE_HEADERS_ONLY, timeout: DIFF_TIMEOUT_MS }) ??
    wholeFileDiff(oldName, `b/${name}`, before ?? '', after);
  if (full.length <= MAX_DIFF_CHARS) return full;
  const kept = full.slice(0, full.lastIndexOf('\n', MAX_DIFF_CHARS) + 1);
  const more = full.slice(kept.length).split('\n').length - 1;
  const fingerprint = createHash('sha256').update(full).digest('hex').slice(0, 16);
  return `${kept}\\ diff cut at ${MAX_DIFF_CHARS / 1024} KB: ${more} more lines not shown (full diff ${fingerprint})\n`;
}

/** When the line diff takes too long: every old line removed, every new one added, in one hunk. */
function wholeFileDiff(oldName: string, newName: string, before: string, after: string): string {
  const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
  const [old, now] = [lines(before), lines(after)];
  const noNewline = (text: string) => (text !== '' && !text.endsWith('\n') ? ['\\ No newline at end of file'] : []);
  return [
    `--- ${oldName}`,
    `+++ ${newName}`,
    `@@ -${old.length ? 1 : 0},${old.length} +${now.length ? 1 : 0},${now.length} @@`,
    ...old.map((l) => `-${l}`),
    ...noNewline(before),
    ...now.map((l) => `+${l}`),
    ...noNewline(after),
    '',
  ].join('\n');
}
