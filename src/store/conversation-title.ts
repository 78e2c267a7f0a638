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
