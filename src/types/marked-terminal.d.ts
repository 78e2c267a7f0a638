// marked-terminal ships no types, and @types/marked-terminal is written for marked < 12: what we use of it.
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';

  type Styler = (text: string) => string;

  export interface TerminalRendererOptions {
    code?: Styler;
    blockquote?: Styler;
    html?: Styler;
    heading?: Styler;
    firstHeading?: Styler;
    hr?: Styler;
    listitem?: Styler;
    /** Lays out a list's rendered items, each starting with `* ` at the line's start. */
    list?: (body: string, ordered: boolean, indent: string) => string;
    table?: Styler;
    paragraph?: Styler;
    strong?: Styler;
    em?: Styler;
    codespan?: Styler;
    del?: Styler;
    link?: Styler;
    href?: Styler;
    text?: Styler;
    unescape?: boolean;
    emoji?: boolean;
    width?: number;
    showSectionPrefix?: boolean;
    reflowText?: boolean;
    tab?: number | string;
    tableOptions?: Record<string, unknown>;
  }

  export function markedTerminal(options?: TerminalRendererOptions, highlightOptions?: Record<string, unknown>): MarkedExtension;
}
