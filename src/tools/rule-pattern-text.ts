/**
 * How a person reads an "always allow" rule's pattern, in the page's rules list and in the
 * terminal's "ran under your rule" line alike. A command rule keeps the command as its argument
 * vector in JSON (what the matcher compares); it is shown as a shell line, quoting the arguments
 * that need it. An edits rule is the workspace it covers; a call rule, one tool's exact arguments
 * (their canonical JSON). Other patterns are shown as kept. No imports: the web page bundles it too.
 */
export function patternText(rule: { kind: string; pattern: string; tool?: string }): string {
  if (rule.kind === 'edits') return `edits anywhere in ${rule.pattern}`;
  if (rule.kind === 'call') return `${rule.tool ?? 'this tool'} with exactly ${rule.pattern}`;
  if (rule.kind !== 'command') return rule.pattern;
  try {
    const argv: unknown = JSON.parse(rule.pattern);
    if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) return argv.map(shellQuote).join(' ');
  } catch {
    // Not JSON: a command kept as typed.
  }
  return rule.pattern;
}

/**
 * The whole "always allow …" of a rule, as the chat's line under a call says it: "always allow
 * `ls -la` in this workspace", "always allow file read in `/etc`", "always allow edits anywhere in
 * /home/me/project". The page sets `pattern` apart (a <code>).
 */
export function ruleScope(rule: { kind: string; pattern: string; tool: string }): { before: string; pattern: string; after: string } {
  // The workspace is in the pattern's own words already.
  if (rule.kind === 'edits') return { before: '', pattern: patternText(rule), after: '' };
  const before = rule.kind === 'command' || rule.kind === 'call' ? '' : `${rule.tool.replace(/_/g, ' ')} in `;
  return { before, pattern: patternText(rule), after: ' in this workspace' };
}

const shellQuote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
