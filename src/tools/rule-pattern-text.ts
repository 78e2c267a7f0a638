/**
 * How a person reads an "always allow" rule's pattern, in the page's rules list and in the
 * terminal's "ran under your rule" line alike. A command rule keeps the command as its argument
 * vector in JSON (what the matcher compares); it is shown as a shell line, quoting the arguments
 * that need it. Other patterns are shown as kept. No imports: the web page bundles it too.
 */
export function patternText(rule: { kind: string; pattern: string }): string {
  if (rule.kind !== 'command') return rule.pattern;
  try {
    const argv: unknown = JSON.parse(rule.pattern);
    if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) return argv.map(shellQuote).join(' ');
  } catch {
    // Not JSON: a command kept as typed.
  }
  return rule.pattern;
}

const shellQuote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
