import type { TaskEvent } from '../events/task-event.js';
import { inert } from './inert.js';

export type ApprovedByRule = NonNullable<Extract<TaskEvent, { type: 'tool_call_started' }>['approved_by_rule']>;

/**
 * Which of the person's "always allow" rules let a call run without asking, in the web page's
 * words (tool-timeline.tsx): a rule they forgot is then one they can find and undo.
 */
export function ruleNote(rule: ApprovedByRule): string {
  const what = rule.kind === 'command' ? '' : `${rule.tool.replace(/_/g, ' ')} in `;
  return `ran without asking, under your rule: always allow ${inert(what)}${inert(patternText(rule))} in this workspace`;
}

/**
 * A command rule keeps the command as its argument vector in JSON (what the matcher compares);
 * shown as a shell line, as the web's rules list does (rules-list.tsx). Other patterns as kept.
 */
export function patternText(rule: Pick<ApprovedByRule, 'kind' | 'pattern'>): string {
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
