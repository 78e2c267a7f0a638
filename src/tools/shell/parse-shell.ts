import { parseBash, type BashNode } from './bash-tree.js';
import { describeSyntaxError } from './syntax-error.js';
import { wordValue } from './shell-words.js';

/**
 * One command line as bash reads it, from a real bash parser (tree-sitter-bash). Only plain
 * commands joined by `;`, `&&`, `||` and `|` come out with no `features`; everything else bash can
 * do (substitutions, expansions, subshells, control flow, background jobs...) is named in
 * `features`, and the commands inside it are still listed so their risk can be judged.
 */
export interface ParsedShell {
  /** Every simple command, nested ones (inside `$(...)`, subshells, loops) included, in source order. */
  commands: SimpleCommand[];
  /** Why the line is more than plain commands, in words a user can read; empty when it is plain. */
  features: string[];
}

export interface SimpleCommand {
  /** The operator before this command (`;`, `&&`, `||`, `|`, `|&`, `&`), if any. */
  after?: string;
  /** Inside a substitution or other construct rather than at the top of the line. */
  nested: boolean;
  /** `NAME=value` prefixes, as written. */
  assignments: string[];
  /** argv: each word's value after quote removal; a word that is not a plain literal is kept as written. */
  words: string[];
  /** Every word is a plain literal, so `words` is exactly the argv bash would build. */
  literal: boolean;
  redirects: Redirect[];
}

export interface Redirect {
  /** `>`, `>>`, `<`, `>&`, `&>`, `<<`, `<<<`... */
  op: string;
  /** The file descriptor before the operator (`2` in `2>&1`). */
  fd?: string;
  /** The target as a literal value; undefined when it is not a plain literal (or a here-document). */
  target?: string;
  /** The target as written. */
  text: string;
}

/** Operators that only sequence or connect commands: each side is still judged on its own. */
const PLAIN_OPERATORS = new Set([';', '&&', '||', '|']);
const OPERATOR_FEATURES: Record<string, string> = {
  '&': 'runs in the background (`&`)',
  '|&': 'pipes standard error too (`|&`)',
  ';;': 'uses a `case` statement',
};
const NODE_FEATURES: Record<string, string> = {
  subshell: 'uses a subshell (`( ... )`)',
  compound_statement: 'groups commands with `{ ... }`',
  function_definition: 'defines a function',
  if_statement: 'uses shell control flow (`if`)',
  while_statement: 'uses a shell loop',
  for_statement: 'uses a shell loop',
  c_style_for_statement: 'uses a shell loop',
  case_statement: 'uses a `case` statement',
  negated_command: 'negates a command with `!`',
  test_command: 'uses a `[[ ... ]]` test',
  declaration_command: 'declares shell variables',
  unset_command: 'unsets shell variables',
  variable_assignment: 'sets a shell variable',
  variable_assignments: 'sets shell variables',
  comment: 'contains a comment',
  heredoc_body: 'uses a here-document',
  arithmetic_expansion: 'uses arithmetic expansion',
  command_substitution: 'uses a command substitution',
  process_substitution: 'uses a process substitution',
};
const REDIRECT_TYPES = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
/** Deeper than any real command; stops a crafted line from exhausting the stack. */
const MAX_DEPTH = 200;
/** More commands than a person reads on one approval card; a line with more is not judged part by part. */
export const MAX_COMMANDS = 32;
/** Longer than any command line a person reads before approving it. */
export const MAX_LINE_LENGTH = 4000;

class TooDeep extends Error {}
class TooMany extends Error {}

export function parseShell(command: string): ParsedShell | { error: string } {
  if (command.includes('\0')) return { error: 'contains a NUL byte' };
  // Checked before parsing, so a huge line costs nothing to refuse.
  if (command.length > MAX_LINE_LENGTH) return { error: `is longer than ${MAX_LINE_LENGTH} characters` };
  const features = new Set<string>();
  // Checked on the raw text: bash and the parser may disagree on what these characters mean.
  if (/[\n\r\u2028\u2029]/.test(command)) features.add('contains a line break');
  if (/[^\P{C}\t\n\r]|\p{Zl}|\p{Zp}/u.test(command)) features.add('contains an invisible or control character');
  const result = parseBash(command, (root) => {
    if (root.hasError) return { error: describeSyntaxError(command, root) };
    const walker = new Walker(features);
    try {
      walker.walk(root, { nested: false }, 0);
    } catch (error) {
      if (error instanceof TooDeep) return { error: 'is nested too deeply to judge' };
      if (error instanceof TooMany) return { error: `has more than ${MAX_COMMANDS} commands` };
      throw error;
    }
    // Text the walk did not read as a word, operator or redirection would run without being judged.
    if (features.size === 0 && !walker.coversAll(command)) features.add('has text ducklm could not place in a command');
    return { commands: walker.commands, features: [...features] };
  });
  return result;
}

interface Place {
  after?: string;
  nested: boolean;
}

class Walker {
  readonly commands: SimpleCommand[] = [];
  /** Source ranges read as words, operators and redirections: everything else must be blank. */
  private readonly read: Array<[number, number]> = [];

  constructor(private readonly features: Set<string>) {}

  coversAll(text: string): boolean {
    const ranges = [...this.read].sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [start, end] of ranges) {
      if (start > at && text.slice(at, start).trim() !== '') return false;
      at = Math.max(at, end);
    }
    return text.slice(at).trim() === '';
  }

  private mark(node: BashNode | null | undefined): void {
    if (node) this.read.push([node.startIndex, node.endIndex]);
  }

  private add(command: SimpleCommand): void {
    if (this.commands.length >= MAX_COMMANDS) throw new TooMany();
    this.commands.push(command);
  }

  walk(node: BashNode, place: Place, depth: number): void {
    if (depth > MAX_DEPTH) throw new TooDeep();
    switch (node.type) {
      case 'program':
      case 'list':
      case 'pipeline':
        return this.sequence(node, place, depth);
      case 'redirected_statement':
        return this.redirected(node, place, depth);
      case 'command':
        return this.command(node, place, depth);
      default:
        this.features.add(NODE_FEATURES[node.type] ?? `uses shell syntax bash runs specially (${node.type})`);
        if (node.type === 'variable_assignment') this.add({ ...place, assignments: [node.text], words: [], literal: false, redirects: [] });
        this.nested(node, depth + 1);
    }
  }

  /** Statements joined by operators; the operator before each one is remembered for the classifier. */
  private sequence(node: BashNode, place: Place, depth: number): void {
    let op = place.after;
    for (const child of node.children) {
      if (!child) continue;
      if (!child.isNamed) {
        this.mark(child);
        op = child.type;
        if (!PLAIN_OPERATORS.has(op)) this.features.add(OPERATOR_FEATURES[op] ?? `uses the operator \`${op}\``);
        continue;
      }
      this.walk(child, { after: op, nested: place.nested }, depth + 1);
      op = undefined;
    }
  }

  /** A statement with redirections after it: bash applies them to its last simple command. */
  private redirected(node: BashNode, place: Place, depth: number): void {
    const before = this.commands.length;
    const body = node.childForFieldName('body');
    if (body) this.walk(body, place, depth + 1);
    let target = this.commands.length > before ? this.commands[this.commands.length - 1]! : undefined;
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i);
      if (!child?.isNamed || node.fieldNameForChild(i) === 'body') continue;
      if (!REDIRECT_TYPES.has(child.type)) {
        this.features.add(NODE_FEATURES[child.type] ?? `uses shell syntax bash runs specially (${child.type})`);
        this.nested(child, depth + 1);
        continue;
      }
      if (!target) this.add((target = { ...place, assignments: [], words: [], literal: true, redirects: [] }));
      target.redirects.push(this.redirect(child, target, depth + 1));
    }
  }

  private command(node: BashNode, place: Place, depth: number): void {
    const command: SimpleCommand = { ...place, assignments: [], words: [], literal: true, redirects: [] };
    this.add(command);
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i);
      if (!child) continue;
      const field = node.fieldNameForChild(i);
      if (child.type === 'variable_assignment') {
        this.mark(child);
        command.assignments.push(child.text);
        this.nested(child, depth + 1);
      } else if (REDIRECT_TYPES.has(child.type)) {
        command.redirects.push(this.redirect(child, command, depth + 1));
      } else if (field === 'name' || field === 'argument') {
        const word = field === 'name' && child.type === 'command_name' ? child.firstNamedChild : child;
        if (!word || !this.word(word, command, depth + 1)) command.literal = false;
        if (word && word.endIndex - word.startIndex !== child.endIndex - child.startIndex) command.literal = false;
        this.mark(word);
      } else {
        // Nothing else belongs in a plain command; whatever it is, it is not judged as safe.
        command.literal = false;
        this.features.add(NODE_FEATURES[child.type] ?? `uses shell syntax bash runs specially (\`${child.type}\`)`);
        this.nested(child, depth + 1);
      }
    }
  }

  /** Adds one word to argv; false when it is not a plain literal. */
  private word(node: BashNode, command: SimpleCommand, depth: number): boolean {
    const value = wordValue(node);
    if ('problem' in value) {
      this.features.add(value.problem);
      command.words.push(node.text);
      this.nested(node, depth);
      return false;
    }
    command.words.push(value.value);
    return true;
  }

  /**
   * tree-sitter-bash reads every word after a redirection as more "destinations" of it
   * (`cat a 2>/dev/null /outside/b`); bash takes only the first as the target and the rest as
   * arguments of the command, so they are added to its argv here and judged with it.
   */
  private redirect(node: BashNode, command: SimpleCommand, depth: number): Redirect {
    const opNode = node.children.find((c) => c && !c.isNamed);
    const op = opNode?.type ?? '?';
    const descriptor = node.childForFieldName('descriptor');
    const fd = descriptor?.text;
    const destinations = node.type === 'file_redirect' ? node.childrenForFieldName('destination').filter((d) => d !== null) : [];
    const destination = destinations[0] ?? node.namedChildren.find((c) => c && c.type !== 'file_descriptor' && !c.type.startsWith('heredoc')) ?? null;
    if (node.type === 'heredoc_redirect') this.features.add('uses a here-document');
    if (node.type === 'herestring_redirect') this.features.add('uses a here-string (`<<<`)');
    const value = destination && node.type === 'file_redirect' ? wordValue(destination) : undefined;
    if (value && 'problem' in value) this.features.add(value.problem);
    this.mark(opNode);
    this.mark(descriptor);
    this.mark(destination);
    const extras = destinations.slice(1);
    // Substitutions in the target or in a here-document's body run too: find their commands.
    for (const child of node.namedChildren) if (child && !extras.some((e) => e.equals(child))) this.nestedChild(child, depth);
    for (const extra of extras) {
      if (!this.word(extra, command, depth + 1)) command.literal = false;
      this.mark(extra);
    }
    return { op, ...(fd ? { fd } : {}), ...(value && 'value' in value ? { target: value.value } : {}), text: destination?.text ?? '' };
  }

  /** Finds commands anywhere below `node` (inside substitutions, loops, subshells...). */
  private nested(node: BashNode, depth: number): void {
    if (depth > MAX_DEPTH) throw new TooDeep();
    for (const child of node.namedChildren) if (child) this.nestedChild(child, depth);
  }

  private nestedChild(child: BashNode, depth: number): void {
    if (child.type === 'command' || child.type === 'redirected_statement' || child.type === 'pipeline' || child.type === 'list') {
      this.walk(child, { nested: true }, depth + 1);
    } else {
      if (NODE_FEATURES[child.type] && child.type !== 'variable_assignment') this.features.add(NODE_FEATURES[child.type]!);
      this.nested(child, depth + 1);
    }
  }
}
