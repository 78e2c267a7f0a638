/**
 * Cuts a streamed markdown answer into blocks that can be rendered on their own, so that a
 * terminal shows the answer block by block as it arrives instead of all at the end. A block ends
 * at a blank line outside a fenced code block, or at the fence that closes a code block.
 *
 * It looks at whole lines only, and keeps no state but the text not yet given out and whether a
 * fence is open: however the deltas cut the text, the blocks are the same.
 */

/** An opening fence: up to three spaces, then three or more backticks or tildes. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** A list item's marker: what makes the line after a blank line go on with the same list. */
const LIST_ITEM = /^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;
const BLANK = /^[ \t]*$/;

export class MarkdownStream {
  /** Text of lines not yet given out, whole lines only. */
  private block = '';
  /** The last, unfinished line. */
  private partial = '';
  /** The open fence's character and length, while inside a fenced code block. */
  private fence: { char: string; length: number } | null = null;
  /** A list has met a blank line: it has ended unless the next line goes on with it. */
  private afterBlank = false;
  /** The block has a list in it (perhaps after a paragraph that leads into it). */
  private inList = false;

  /** Takes a delta; returns the blocks it completed, in order. */
  push(delta: string): string[] {
    const text = this.partial + delta;
    const lines = text.split('\n');
    this.partial = lines.pop()!;
    const done: string[] = [];
    for (const line of lines) {
      const block = this.line(line);
      if (block !== null) done.push(block);
    }
    return done;
  }

  /** The text not yet given out (a block cut short by the end of the answer, or by a notice), or '' when there is none. */
  flush(): string {
    const rest = this.block + this.partial;
    this.block = '';
    this.partial = '';
    this.fence = null;
    this.afterBlank = false;
    this.inList = false;
    return rest;
  }

  /** Adds one whole line; returns the block it completed, if any. */
  private line(line: string): string | null {
    if (this.fence) {
      this.block += `${line}\n`;
      const close = new RegExp(`^ {0,3}${this.fence.char === '`' ? '`' : '~'}{${this.fence.length},}[ \\t]*$`);
      if (!close.test(line)) return null;
      this.fence = null;
      return this.take();
    }
    if (BLANK.test(line)) {
      this.block += `${line}\n`;
      if (this.block.trim() === '') return null;
      // A list may go on after a blank line: the next line decides whether it has ended.
      if (this.inList) {
        this.afterBlank = true;
        return null;
      }
      return this.take();
    }
    let ended: string | null = null;
    if (this.afterBlank) {
      // A loose list goes on after a blank line: its next item, or an item's indented paragraph.
      const goesOn = this.inList && (LIST_ITEM.test(line) || /^[ \t]/.test(line));
      if (!goesOn) ended = this.take();
      this.afterBlank = false;
    }
    if (LIST_ITEM.test(line)) this.inList = true;
    this.block += `${line}\n`;
    const fence = FENCE.exec(line);
    if (fence && !(fence[1]!.startsWith('`') && line.slice(fence.index + fence[0].length).includes('`'))) {
      // Until its closing fence, blank lines are code, not the end of the block.
      this.fence = { char: fence[1]![0]!, length: fence[1]!.length };
    }
    return ended;
  }

  private take(): string {
    const block = this.block;
    this.block = '';
    this.inList = false;
    return block;
  }
}
