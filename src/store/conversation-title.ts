/** How long a title made from a message may be, in characters, before it is cut at a word. */
export const GENERATED_TITLE_LENGTH = 60;

/**
 * A short title from a conversation's first message, made at once and without a model: its
 * first line that says something, without markdown's leading marks, cut at a word boundary.
 */
export function generatedTitle(message: string): string {
  const line =
    message
      .split(/\r?\n/)
      .map((l) => l.replace(/^\s*(?:[#>*-]+|\d+[.)])\s+/, '').replace(/\s+/g, ' ').trim())
      .find((l) => /[\p{L}\p{N}]/u.test(l)) ?? '';
  return cutAtWord(line, GENERATED_TITLE_LENGTH);
}

/** `text` if it fits in `max` characters, else its longest run of whole words that does, with "…". */
export function cutAtWord(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const space = head.lastIndexOf(' ');
  // One very long word (a path, a URL) is cut where it must be.
  const cut = space >= max / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,;:.!?-]+$/u, '')}…`;
}

/**
 * A title a model proposed, made fit to show: one line, without the quotes, markdown marks or
 * "Title:" models like to add, cut at a word. Empty when nothing is left.
 */
export function cleanTitle(proposed: string): string {
  const unwrap = (text: string) => text.replace(/^[\s"'`*#_«“„]+|[\s"'`*#_»”.]+$/gu, '');
  const line = unwrap(unwrap(proposed.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ')).replace(/^title\s*:/i, ''));
  return /[\p{L}\p{N}]/u.test(line) ? cutAtWord(line, GENERATED_TITLE_LENGTH) : '';
}
