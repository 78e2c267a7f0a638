import { inert } from './inert.js';
import { MarkdownStream } from './markdown-stream.js';
import type { TextOut } from './text-out.js';

/** Renders one markdown text for a terminal so many columns wide: `renderMarkdown` of markdown-terminal.ts. */
export type MarkdownRenderer = (markdown: string, width: number) => string;

/**
 * The renderer, loaded only by the commands that will show an answer on a terminal: it and its
 * highlighter take a good part of a second to load, which every other command would pay.
 */
export async function loadMarkdownRenderer(): Promise<MarkdownRenderer> {
  return (await import('./markdown-terminal.js')).renderMarkdown;
}

/**
 * Where the answer's deltas go. On a terminal with styling, given a renderer, the answer is
 * markdown rendered to the terminal's width, shown block by block as each block completes; into a
 * pipe or a file, or with NO_COLOR, it is the text as the model wrote it (made inert), delta by
 * delta, as scripts that save an answer expect.
 */
export class AnswerWriter {
  private readonly blocks = new MarkdownStream();
  /** A block has been shown: the next one comes after a blank line. */
  private shownBlock = false;

  private readonly markdown: MarkdownRenderer | null;

  constructor(
    private readonly out: TextOut,
    markdown: MarkdownRenderer | undefined,
  ) {
    this.markdown = out.style.enabled && markdown ? markdown : null;
  }

  write(delta: string): void {
    // Inert before the renderer sees it: markdown must not be able to put an escape back together.
    const text = inert(delta, { multiline: true });
    if (!this.markdown) return this.out.write(text);
    for (const block of this.blocks.push(text)) this.show(this.markdown, block);
  }

  /** Shows what is pending, before a notice, the figures or a prompt; the answer goes on below whatever comes between. */
  flush(): void {
    if (this.markdown) this.show(this.markdown, this.blocks.flush());
    this.shownBlock = false;
  }

  private show(render: MarkdownRenderer, block: string): void {
    if (!block.trim()) return;
    const width = (this.out.stream as { columns?: number }).columns || 80;
    this.out.write(`${this.shownBlock ? '\n\n' : ''}${render(block, width)}`);
    this.shownBlock = true;
  }
}
