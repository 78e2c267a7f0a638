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

class TooDeep extends Error {}

export function parseShell(command: string): ParsedShell | { error: string } {
  if (command.includes('\0')) return { error: 'contains a NUL byte' };
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
      throw error;
    }
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

  constructor(private readonly features: Set<string>) {}

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
        if (node.type === 'variable_assignment') this.commands.push({ ...place, assignments: [node.text], words: [], literal: false, redirects: [] });
        this.nested(node, depth + 1);
    }
  }

  /** Statements joined by operators; the operator before each one is remembered for the classifier. */
  private sequence(node: BashNode, place: Place, depth: number): void {
    let op = place.after;
    for (const child of node.children) {
      if (!child) continue;
      if (!child.isNamed) {
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
      if (!target) this.commands.push((target = { ...place, assignments: [], words: [], literal: true, redirects: [] }));
      target.redirects.push(this.redirect(child, depth + 1));
    }
  }

  private command(node: BashNode, place: Place, depth: number): void {
    const command: SimpleCommand = { ...place, assignments: [], words: [], literal: true, redirects: [] };
    this.commands.push(command);
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i);
      if (!child) continue;
      const field = node.fieldNameForChild(i);
      if (child.type === 'variable_assignment') {
        command.assignments.push(child.text);
        this.nested(child, depth + 1);
      } else if (REDIRECT_TYPES.has(child.type)) {
        command.redirects.push(this.redirect(child, depth + 1));
      } else if (field === 'name' || field === 'argument') {
        const word = field === 'name' && child.type === 'command_name' ? child.firstNamedChild : child;
        if (!word || !this.word(word, command, depth + 1)) command.literal = false;
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

  private redirect(node: BashNode, depth: number): Redirect {
    const op = node.children.find((c) => c && !c.isNamed)?.type ?? '?';
    const fd = node.childForFieldName('descriptor')?.text;
    const destination = node.childForFieldName('destination') ?? node.namedChildren.find((c) => c && c.type !== 'file_descriptor' && !c.type.startsWith('heredoc')) ?? null;
    if (node.type === 'heredoc_redirect') this.features.add('uses a here-document');
    if (node.type === 'herestring_redirect') this.features.add('uses a here-string (`<<<`)');
    const value = destination && node.type === 'file_redirect' ? wordValue(destination) : undefined;
    if (value && 'problem' in value) this.features.add(value.problem);
    // Substitutions in the target or in a here-document's body run too: find their commands.
    this.nested(node, depth);
    return { op, ...(fd ? { fd } : {}), ...(value && 'value' in value ? { target: value.value } : {}), text: destination?.text ?? '' };
  }

  /** Finds commands anywhere below `node` (inside substitutions, loops, subshells...). */
  private nested(node: BashNode, depth: number): void {
    if (depth > MAX_DEPTH) throw new TooDeep();
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'command' || child.type === 'redirected_statement' || child.type === 'pipeline' || child.type === 'list') {
        this.walk(child, { nested: true }, depth + 1);
      } else {
        if (NODE_FEATURES[child.type] && child.type !== 'variable_assignment') this.features.add(NODE_FEATURES[child.type]!);
        this.nested(child, depth + 1);
      }
    }
  }
}
