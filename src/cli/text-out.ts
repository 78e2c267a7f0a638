import { CLEAR_LINE, RESTORE_AND_ERASE, SAVE_CURSOR, styleFor, type Style } from './terminal.js';

/** Where the cursor is. Streams that go to the same terminal share one, so their lines do not run together. */
export interface Cursor {
  atLineStart: boolean;
  /** A transient status ("… planning") is on screen and goes before anything else is written: what erases it. */
  statusOn: { stream: NodeJS.WritableStream; erase: string } | null;
}

/**
 * An output stream that knows whether it is mid-line, so that tool lines and notices always start
 * on a line of their own however the answer's deltas ended, and that can show a status line that
 * the next output replaces (on a terminal; elsewhere a status is an ordinary line).
 */
export class TextOut {
  readonly style: Style;
  readonly isTty: boolean;

  constructor(
    readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly cursor: Cursor = { atLineStart: true, statusOn: null },
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.style = styleFor(stream, env);
    this.isTty = stream.isTTY === true;
  }

  /** Two outputs that share a cursor when they are one stream, or both the (same) terminal. */
  static pair(answer: NodeJS.WriteStream, info: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): { answer: TextOut; info: TextOut } {
    const first = new TextOut(answer, undefined, env);
    const shared = answer === info || (answer.isTTY && info.isTTY) ? first.cursor : undefined;
    return { answer: first, info: new TextOut(info, shared, env) };
  }

  write(text: string): void {
    this.clearStatus();
    if (!text) return;
    this.stream.write(text);
    this.cursor.atLineStart = text.endsWith('\n');
  }

  /** Writes `text` as a line of its own. */
  line(text = ''): void {
    this.endLine();
    this.write(`${text}\n`);
  }

  endLine(): void {
    this.clearStatus();
    if (!this.cursor.atLineStart) this.write('\n');
  }

  /**
   * A short-lived line, replaced by whatever comes next. Elsewhere it is an ordinary line, or
   * nothing with `terminalOnly` (a "running" that the next line makes obvious).
   */
  status(text: string, { terminalOnly = false } = {}): void {
    if (!this.isTty) {
      if (!terminalOnly) this.line(this.style.dim(text));
      return;
    }
    this.endLine();
    this.stream.write(`${CLEAR_LINE}${this.style.dim(text)}`);
    this.cursor.statusOn = { stream: this.stream, erase: CLEAR_LINE };
  }

  /**
   * A status written where the cursor is, even mid-line, that leaves no trace once the next output
   * (or clearStatus) erases it: the line it interrupted goes on as if it had never been there.
   * Elsewhere it is an ordinary line. (If it wraps on the last row, the screen scrolls and the
   * erase lands one row low; it is kept short.)
   */
  aside(text: string): void {
    if (!this.isTty) return this.line(this.style.dim(text));
    this.clearStatus();
    this.stream.write(`${SAVE_CURSOR}${this.cursor.atLineStart ? '' : ' '}${this.style.dim(text)}`);
    this.cursor.statusOn = { stream: this.stream, erase: RESTORE_AND_ERASE };
  }

  clearStatus(): void {
    const on = this.cursor.statusOn;
    if (!on) return;
    this.cursor.statusOn = null;
    on.stream.write(on.erase);
  }
}
