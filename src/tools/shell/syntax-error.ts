import type { BashNode } from './bash-tree.js';

/**
 * Says in words why bash would not accept `command`. Only the message comes from here: the
 * decision (not known-safe) was already made because the parser reported an error.
 */
export function describeSyntaxError(command: string, root: BashNode): string {
  const unclosed = unclosedQuote(command);
  if (unclosed === 'quote') return 'has an unterminated quote';
  if (unclosed === 'backslash') return 'ends with a backslash';
  const missing = firstMissing(root);
  if (missing?.parent?.type === 'command_substitution') return 'has an unterminated command substitution';
  if (missing) return `is incomplete (bash expects \`${missing.type}\` there)`;
  const error = firstError(root);
  const near = error ? command.slice(error.startIndex, error.startIndex + 20).trim() : '';
  return near ? `is not valid bash syntax near \`${near}\`` : 'is not valid bash syntax';
}

/** Walks the raw text the way bash quotes it (nested substitutions aside: this is only for the message). */
function unclosedQuote(command: string): 'quote' | 'backslash' | undefined {
  let quote = '';
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
    } else if (c === '\\') {
      if (i === command.length - 1) return 'backslash';
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = '';
    } else if (c === "'" || c === '"') {
      quote = c;
    }
  }
  return quote ? 'quote' : undefined;
}

/** First node in source order that matches, searching only where the parser saw errors (iteratively: lines may nest deeply). */
function find(root: BashNode, match: (node: BashNode) => boolean): BashNode | undefined {
  const stack: BashNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (match(node)) return node;
    if (!node.hasError) continue;
    const children = node.children.filter((c): c is BashNode => c !== null);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

const firstMissing = (root: BashNode) => find(root, (n) => n.isMissing);
const firstError = (root: BashNode) => find(root, (n) => n.isError);
