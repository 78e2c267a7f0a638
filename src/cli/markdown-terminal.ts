/**
 * Markdown as a terminal shows it: styled headings, emphasis and code, bullets, quotes, tables
 * and links with their address, wrapped at word boundaries to the terminal's width. marked parses
 * and marked-terminal renders; what is here only sets them up and fixes what they leave to us.
 *
 * The text must be inert already (see inert.ts). marked still makes characters of references such
 * as `&#27;`, so those that a terminal would obey stay references; and whatever else is not SGR
 * styling in the result is made inert again, so that the only escape sequences left are colours.
 */
import { Chalk } from 'chalk';
import { Marked, type RendererObject, type Tokens } from 'marked';
import { markedTerminal } from 'marked-terminal';
import wrapAnsi from 'wrap-ansi';
import { inert } from './inert.js';

// Our own level, not one guessed from process.stdout: the caller has decided that styling is wanted.
const chalk = new Chalk({ level: 1 });
const identity = (text: string) => text;

/**
 * Marks the lines of code blocks and tables, which are shown as they are, never re-wrapped. Model
 * text cannot hold it: `inert` shows every control character as an escape.
 */
const KEEP = '\u0000';
// Not the empty lines at the end: the mark would land on the line after.
const keepLines = (text: string) => text.replace(/^(?=[^\n])/gm, KEEP);

/** What starts a line and is repeated, as spaces, before its wrapped continuation: indentation, a bullet, their styling. */
const LEAD = /^(?:\x1b\[[\d;]*m| )*(?:(?:\*|\d+\.) (?:\x1b\[[\d;]*m)*)?/;
const SGR = /\x1b\[[\d;]*m/g;
/** Narrower than this, continuation lines are not indented: the text would be a column of words. */
const MIN_ROOM = 20;

const CHARACTER_REFERENCE = /&#(?:(\d{1,7})|[xX]([0-9a-fA-F]{1,6}));/g;
const STYLE = /(\x1b\[[\d;]*m)/;
/** What marked-terminal puts for a colon in inline code, and forgets to put back in a table's header. */
const COLON_STANDIN = '*#COLON|*';

/** Renders one markdown text (a whole answer, or one block of it) for a terminal `width` columns wide; no trailing newline. */
export function renderMarkdown(text: string, width: number): string {
  const rendered = terminalMarked(width).parse(withoutActiveReferences(text), { async: false });
  const wrapped = rendered
    .replace(/[\n\u0000]+$/, '')
    .split('\n')
    .map((line) => (line.includes(KEEP) ? line.replaceAll(KEEP, '') : wrapLine(line, width)))
    .join('\n');
  return wrapped
    .split(STYLE)
    .map((part, i) => (i % 2 ? part : inert(part, { multiline: true })))
    .join('');
}

/** `&#27;` as written (its `&` escaped), where the character it names is one that `inert` would show as an escape. */
function withoutActiveReferences(text: string): string {
  return text.replace(CHARACTER_REFERENCE, (reference, decimal?: string, hex?: string) => {
    const code = decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
    if (code > 0x10ffff) return reference;
    const char = String.fromCodePoint(code);
    return inert(char, { multiline: true }) === char ? reference : `&amp;${reference.slice(1)}`;
  });
}

/** One rendered line wrapped at word boundaries to `width`, continuation lines under the text, not under the bullet. */
function wrapLine(line: string, width: number): string {
  const lead = LEAD.exec(line)![0];
  const indent = lead.replace(SGR, '').length;
  const room = width - indent;
  if (room < MIN_ROOM) return wrapAnsi(line, width, { hard: true });
  return wrapAnsi(line.slice(lead.length), room, { hard: true })
    .split('\n')
    .map((part, i) => (i === 0 ? lead : ' '.repeat(indent)) + part)
    .join('\n');
}

/** An item's first line, of this list (at the line's start) or of a nested one (indented). */
const ITEM = /^ *(?:\*|\d+\.) /;

/**
 * marked-terminal's list layout, but numbering only the list's own items (it numbered a nested
 * bullet list too) and from the number the list starts at (it always started at 1). `starts` holds
 * the start of each list being rendered, innermost last.
 */
function listLayout(starts: number[]) {
  return (body: string, ordered: boolean): string => {
    let number = (starts.at(-1) ?? 1) - 1;
    return body
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        // Nested lists are laid out already; an item's other lines go under its text.
        if (!ITEM.test(line)) return ' '.repeat(ordered ? `${Math.max(number, 1)}. `.length : 2) + line;
        if (!ordered || !line.startsWith('* ')) return line;
        number += 1;
        return `${number}. ${line.slice(2)}`;
      })
      .join('\n');
  };
}

function terminalMarked(width: number): Marked {
  const starts: number[] = [];
  const terminal = markedTerminal({
    code: chalk.yellow,
    blockquote: chalk.gray.italic,
    html: chalk.gray,
    heading: chalk.green.bold,
    firstHeading: chalk.magenta.bold.underline,
    // marked-terminal resets styles around these, which would end a quote's grey at its first paragraph.
    hr: identity,
    listitem: identity,
    list: listLayout(starts),
    table: identity,
    paragraph: identity,
    strong: chalk.bold,
    em: chalk.italic,
    codespan: chalk.yellow,
    del: chalk.dim.strikethrough,
    link: identity,
    href: chalk.blue.underline,
    // Styling says what a heading is; `##` would be noise.
    showSectionPrefix: false,
    // `:name:` stays as the model wrote it.
    emoji: false,
    // Wrapping is done here, for every kind of line (marked-terminal wraps only paragraphs and headings).
    reflowText: false,
    tab: 2,
    tableOptions: { style: { head: ['bold'], border: ['gray'] } },
  });
  const base = terminal.renderer as Record<string, (this: unknown, ...args: unknown[]) => string>;
  const keeping =
    (render: (this: unknown, ...args: unknown[]) => string) =>
    function (this: unknown, ...args: unknown[]) {
      return keepLines(render.apply(this, args));
    };
  const fixes: RendererObject = {
    code: keeping(base.code!),
    list(token: Tokens.List) {
      starts.push(token.ordered && typeof token.start === 'number' ? token.start : 1);
      try {
        return base.list!.call(this, token);
      } finally {
        starts.pop();
      }
    },
    table: keeping(function (this: unknown, ...args: unknown[]) {
      return base.table!.apply(this, args).replaceAll(COLON_STANDIN, ':');
    }),
    // marked-terminal drops the inline tokens of a tight list item's text: **bold** would show as typed.
    text(token: Tokens.Text | Tokens.Escape) {
      return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : token.text;
    },
    // The address in brackets, never an OSC 8 hyperlink (which marked-terminal sends where it guesses the terminal takes them).
    link(token: Tokens.Link) {
      const text = this.parser.parseInline(token.tokens);
      const href = chalk.blue.underline(token.href);
      return token.text && token.text !== token.href ? `${text} (${href})` : href;
    },
    // marked-terminal puts a task item's box itself; marked's own would make two.
    checkbox() {
      return '';
    },
    hr() {
      return `${chalk.gray('─'.repeat(width))}\n\n`;
    },
  };
  return new Marked(terminal, { renderer: fixes });
}
