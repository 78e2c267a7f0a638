import { parse, type ParseEntry } from 'shell-quote';

/**
 * The shell syntax of one command line, as far as a tokenizer can tell. This is the only place that
 * reads shell syntax: a real bash parser can replace it without touching the classifier.
 */
export interface ParsedShell {
  /** Simple commands, split on control operators, subshell parentheses and process substitutions. */
  commands: SimpleCommand[];
  /** Everything that makes the line more than one plain command, in words a user can read. */
  features: string[];
  /** Bodies of `$(...)` and backquote substitutions, to be judged on their own. */
  substitutions: string[];
}

export interface SimpleCommand {
  /** The control operator before this command (`|`, `;`, `&&`, ...), if any. */
  after?: string;
  words: string[];
  redirects: Array<{ op: string; target?: string }>;
}

const REDIRECTS = new Set(['>', '>>', '<', '>&', '&>', '>|', '<<', '<<<', '<&']);

const OPERATOR_FEATURES: Record<string, string> = {
  ';': 'runs more than one command (`;`)',
  '&&': 'runs more than one command (`&&`)',
  '||': 'runs more than one command (`||`)',
  ';;': 'runs more than one command (`;;`)',
  '|': 'pipes into another command (`|`)',
  '|&': 'pipes into another command (`|&`)',
  '&': 'runs in the background (`&`)',
  '(': 'uses a subshell',
  ')': 'uses a subshell',
  '<(': 'uses a process substitution',
  '>(': 'uses a process substitution',
};

export function parseShell(command: string): ParsedShell | { error: string } {
  const scanned = scan(command);
  if ('error' in scanned) return scanned;
  const features = new Set(scanned.features);
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand = { words: [], redirects: [] };
  const entries: ParseEntry[] = parse(scanned.text, (name) => `$${name}`);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (typeof entry === 'string') {
      current.words.push(entry);
    } else if ('comment' in entry) {
      features.add('contains a comment');
    } else if (entry.op === 'glob') {
      features.add('uses a glob pattern');
      current.words.push(entry.pattern);
    } else if (REDIRECTS.has(entry.op)) {
      features.add(`uses a redirection (\`${entry.op}\`)`);
      const next = entries[i + 1];
      const target = typeof next === 'string' ? next : next && 'pattern' in next ? next.pattern : undefined;
      if (target !== undefined) i++;
      current.redirects.push({ op: entry.op, target });
    } else {
      features.add(OPERATOR_FEATURES[entry.op] ?? `uses the operator \`${entry.op}\``);
      if (current.words.length > 0 || current.redirects.length > 0) commands.push(current);
      current = { after: entry.op, words: [], redirects: [] };
    }
  }
  if (current.words.length > 0 || current.redirects.length > 0) commands.push(current);
  return { commands, features: [...features], substitutions: scanned.substitutions };
}

interface Scanned {
  /** The command rewritten so shell-quote splits it as bash would: line breaks become `;`. */
  text: string;
  features: string[];
  substitutions: string[];
}

/**
 * Walks the raw line once, tracking quotes, because shell-quote accepts unbalanced quotes, treats
 * line breaks as spaces, starts comments mid-word and keeps backquotes inside words: each of those
 * could hide a second command from the classifier.
 */
function scan(command: string): Scanned | { error: string } {
  const features = new Set<string>();
  const substitutions: string[] = [];
  let text = '';
  let quote: '' | "'" | '"' = '';
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === '\0') return { error: 'contains a NUL byte' };
    if (quote === "'") {
      if (c === "'") quote = '';
      text += c;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= command.length) return { error: 'ends with a backslash' };
      features.add('contains a backslash escape');
      text += c + command[++i];
      continue;
    }
    if (c === '`' || (c === '$' && command[i + 1] === '(')) {
      const end = c === '`' ? closingBackquote(command, i + 1) : closingParen(command, i + 2);
      if (end < 0) return { error: 'has an unterminated command substitution' };
      features.add('contains a command substitution');
      substitutions.push(command.slice(c === '`' ? i + 1 : i + 2, end));
      text += command.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === '$') features.add('contains a variable expansion');
    if (quote === '"') {
      if (c === '"') quote = '';
      text += c;
      continue;
    }
    const wordStart = i === 0 || /[\s;&|()<>]/.test(command[i - 1]!);
    if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '\n' || c === '\r') {
      features.add('contains a line break');
      text += ' ; ';
      continue;
    } else if (c === '#' && !wordStart) {
      text += '\\#';
      continue;
    } else if (c === '#') {
      features.add('contains a comment');
      const end = command.indexOf('\n', i);
      text += end < 0 ? command.slice(i) : command.slice(i, end);
      i = end < 0 ? command.length : end - 1;
      continue;
    } else if ('*?['.includes(c)) {
      features.add('uses a glob pattern');
    } else if (c === '~' ? wordStart || '=:'.includes(command[i - 1]!) : c === '{' && isBraceExpansion(command, i)) {
      features.add('uses tilde or brace expansion');
    }
    text += c;
  }
  if (quote) return { error: 'has an unterminated quote' };
  return { text, features: [...features], substitutions };
}

/** `{a,b}` and `{1..3}` expand; `HEAD@{1}` and a lone `{}` do not. */
function isBraceExpansion(command: string, open: number): boolean {
  const close = command.indexOf('}', open);
  const body = close < 0 ? '' : command.slice(open + 1, close);
  return !/\s/.test(body) && /,|\.\./.test(body);
}

function closingBackquote(command: string, from: number): number {
  for (let i = from; i < command.length; i++) {
    if (command[i] === '\\') i++;
    else if (command[i] === '`') return i;
  }
  return -1;
}

/** Index of the `)` closing a `$(` whose body starts at `from`, skipping quoted text. */
function closingParen(command: string, from: number): number {
  let depth = 1;
  let quote = '';
  for (let i = from; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}
