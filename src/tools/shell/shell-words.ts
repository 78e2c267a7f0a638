import type { BashNode } from './bash-tree.js';

/** A run of characters from one word, and whether quotes protect it from expansion. */
interface Segment {
  text: string;
  quoted: boolean;
}

const WORD_PROBLEMS: Record<string, string> = {
  command_substitution: 'uses a command substitution',
  process_substitution: 'uses a process substitution',
  simple_expansion: 'expands a variable',
  expansion: 'expands a variable',
  arithmetic_expansion: 'uses arithmetic expansion',
  ansi_c_string: "uses ANSI-C quoting (`$'...'`), whose escapes can spell anything",
  translated_string: 'uses a translated string (`$"..."`)',
  brace_expression: 'uses brace expansion',
  extglob_pattern: 'uses a glob pattern',
};

/**
 * Outside quotes, only characters bash never treats specially in the middle of a word. Letters of
 * any script are fine; other non-ASCII characters are refused because lookalikes of `;`, `|` or a
 * space could make a line read differently to a person than to bash.
 */
const PLAIN_UNQUOTED = /^[\p{L}\p{M}\p{N}_@%+=:,./^~{}!#-]*$/u;
/** git's `HEAD@{1}` and `@{upstream}`: braces bash leaves alone, as they hold no `,` or `..`. */
const REFLOG_BRACES = /^[^{}]*@\{-?[\w-]+(\.[\w-]+)*\}$/u;

/**
 * The value bash gives a word, if it is a plain literal: unquoted text, '...' or "..." without
 * expansions, or several of those side by side. Anything bash would expand (variables,
 * substitutions, globs, `~`, braces, backslash escapes) is a problem, named in words.
 */
export function wordValue(node: BashNode): { value: string } | { problem: string } {
  const segments: Segment[] = [];
  const problem = collect(node, segments);
  if (problem) return { problem };
  const value = segments.map((s) => s.text).join('');
  const unquotedProblem = checkUnquoted(segments, value);
  return unquotedProblem ? { problem: unquotedProblem } : { value };
}

function collect(node: BashNode, into: Segment[]): string | undefined {
  switch (node.type) {
    case 'word':
    case 'number':
      into.push({ text: node.text, quoted: false });
      return undefined;
    case 'raw_string':
      into.push({ text: node.text.slice(1, -1), quoted: true });
      return undefined;
    case 'string': {
      const inner = node.namedChildren.find((c) => c && c.type !== 'string_content');
      if (inner) return WORD_PROBLEMS[inner.type] ?? `uses \`${inner.type}\` inside double quotes`;
      const raw = node.text.slice(1, -1);
      // Inside "...", `$` and backquotes still expand; the parser marks real expansions, this is a backstop.
      if (/[$`]/.test(raw.replaceAll(/\\[$`"\\]/g, ''))) return 'expands something inside double quotes';
      into.push({ text: raw.replaceAll(/\\([$`"\\])/g, '$1'), quoted: true });
      return undefined;
    }
    case 'concatenation': {
      // The parts must touch: text between them (a space the parser glued over) would be lost.
      let at = node.startIndex;
      for (const child of node.children) {
        if (!child) continue;
        if (child.startIndex !== at) return 'has a word ducklm could not read whole';
        at = child.endIndex;
        if (!child.isNamed) return `uses \`${child.type}\` inside a word`;
        const problem = collect(child, into);
        if (problem) return problem;
      }
      return at === node.endIndex ? undefined : 'has a word ducklm could not read whole';
    }
    default:
      return WORD_PROBLEMS[node.type] ?? `uses shell syntax bash expands (${node.type})`;
  }
}

/** What bash would still expand in the unquoted parts of a word. */
function checkUnquoted(segments: Segment[], value: string): string | undefined {
  let offset = 0;
  let braces = false;
  for (const { text, quoted } of segments) {
    if (!quoted) {
      if (text.includes('\\')) return 'contains a backslash escape';
      if (text.includes('$')) return 'expands a variable';
      if (/[*?[\]]/.test(text)) return 'uses a glob pattern';
      const odd = [...text].find((c) => !PLAIN_UNQUOTED.test(c));
      if (odd !== undefined) return `contains the character ${describeChar(odd)} outside quotes`;
      for (let i = 0; i < text.length; i++) {
        const before = value[offset + i - 1];
        // `~` expands at the start of a word and after `=` or `:` (as in `a=~/x`).
        if (text[i] === '~' && (before === undefined || before === '=' || before === ':')) return 'uses tilde expansion (`~`)';
      }
      if (/[{}]/.test(text)) braces = true;
    }
    offset += text.length;
  }
  if (braces && !REFLOG_BRACES.test(value)) return 'uses brace expansion (`{...}`)';
  return undefined;
}

function describeChar(c: string): string {
  const code = c.codePointAt(0)!;
  return code < 0x80 ? `\`${c}\`` : `U+${code.toString(16).toUpperCase().padStart(4, '0')} (\`${c}\`)`;
}
