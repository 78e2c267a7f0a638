/**
 * Text the CLI did not write itself (the model's answer and reasoning, a command and its reason,
 * tool output, memories, audit rows, error messages from the server) goes through `inert` before
 * it reaches the terminal. A terminal obeys control characters: `\r` and CSI let a reason overwrite
 * the approval card ("ls -la, risk none" over a `touch`), OSC 52 writes the clipboard, bidi
 * overrides reorder what is read. Each such character is shown as an escape (`\x1b[2J`, `\r`,
 * `\u202e`) instead: inert, and visible to whoever reads it. Our own styling is added afterwards.
 *
 * It works character by character, with no state, so a sequence split across two streamed deltas
 * is made inert just the same.
 */

export interface InertOptions {
  /**
   * Keep `\n` and `\t` as they are: for an answer, reasoning or output shown as a block. A field
   * shown on one line (a command, a reason, a table cell) shows them as `\n` and `\t`, so that it
   * cannot draw a line of its own ("  risk: none") under the card.
   */
  multiline?: boolean;
}

/** Bidirectional formatting characters: they reorder how the text around them reads. */
const BIDI = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

/** Characters a terminal or a reader might take for something else than text. */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || BIDI.has(code) || code === 0x2028 || code === 0x2029;
}

/**
 * Invisible characters: in a command they make `ls\u200b -la` read as `ls -la`, so a one-line field
 * shows them. An answer keeps them: emoji sequences are joined with U+200D.
 */
const INVISIBLE = new Set([0x00ad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);

const NAMED: Partial<Record<number, string>> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

function shown(code: number): string {
  const named = NAMED[code];
  if (named) return named;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

// Fast path: most text has nothing to escape.
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

export function inert(text: string, { multiline = false }: InertOptions = {}): string {
  if (!ANY_CONTROL.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const hidden = isControl(code) ? !(multiline && (code === 0x0a || code === 0x09)) : !multiline && INVISIBLE.has(code);
    out += hidden ? shown(code) : ch;
  }
  return out;
}
