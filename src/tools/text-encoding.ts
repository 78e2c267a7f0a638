/**
 * How a text file's bytes are written, so that an edit can write them back the same way: UTF-8
 * with or without a byte-order mark, or UTF-16 (little or big endian) with one. Anything else is
 * refused rather than guessed: rewriting a Latin-1 or binary file as UTF-8 would corrupt it.
 */
export type TextEncodingName = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';

export type LineEnding = 'lf' | 'crlf';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** crlf: every line break is CRLF, so text written with bare LF is converted to keep it so. */
  lineEnding: LineEnding;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16BE_BOM = Buffer.from([0xfe, 0xff]);

/** The file's text, or why it is not text ducklm can edit and write back unchanged. */
export function decodeText(bytes: Buffer): DecodedText | { error: string } {
  const [encoding, body, label] = bytes.subarray(0, 3).equals(UTF8_BOM)
    ? (['utf8-bom', bytes.subarray(3), 'utf-8'] as const)
    : bytes.subarray(0, 2).equals(UTF16LE_BOM)
      ? (['utf16le', bytes.subarray(2), 'utf-16le'] as const)
      : bytes.subarray(0, 2).equals(UTF16BE_BOM)
        ? (['utf16be', bytes.subarray(2), 'utf-16be'] as const)
        : (['utf8', bytes, 'utf-8'] as const);
  let text: string;
  try {
    // ignoreBOM keeps a second mark as text, so decoding and encoding back gives the same bytes.
    text = new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return { error: encoding === 'utf8' ? 'is not UTF-8 text (another encoding, or binary)' : `is not valid ${label.toUpperCase()} text` };
  }
  if (text.includes('\0')) return { error: 'looks like a binary file (it holds NUL bytes)' };
  return { text, encoding, lineEnding: lineEndingOf(text) };
}

export function encodeText(text: string, encoding: TextEncodingName): Buffer {
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  if (encoding === 'utf8-bom') return Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]);
  const le = Buffer.from(text, 'utf16le');
  return encoding === 'utf16le' ? Buffer.concat([UTF16LE_BOM, le]) : Buffer.concat([UTF16BE_BOM, le.swap16()]);
}

/** CRLF when the text has line breaks and every one of them is CRLF; anything else is left as written. */
export function lineEndingOf(text: string): LineEnding {
  const breaks = text.split('\n').length - 1;
  return breaks > 0 && text.split('\r\n').length - 1 === breaks ? 'crlf' : 'lf';
}

/** Text the planner wrote (with LF) made to match a CRLF file; a CR already before a LF is kept. */
export function withLineEnding(text: string, lineEnding: LineEnding): string {
  return lineEnding === 'crlf' ? text.replace(/(?<!\r)\n/g, '\r\n') : text;
}
