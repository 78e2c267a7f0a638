import type { TaskEvent } from '../events/task-event.js';
import { ruleScope } from '../tools/rule-pattern-text.js';
import { inert } from './inert.js';

export type ApprovedByRule = NonNullable<Extract<TaskEvent, { type: 'tool_call_started' }>['approved_by_rule']>;

/**
 * Which of the person's "always allow" rules let a call run without asking, in the web page's
 * words (tool-timeline.tsx), the pattern as the rules list shows it (rule-pattern-text.ts): a rule they forgot is then one they can find and undo.
 */
export function ruleNote(rule: ApprovedByRule): string {
  const { before, pattern, after } = ruleScope(rule);
  return `ran without asking, under your rule: always allow ${inert(before)}${inert(pattern)}${after}`;
}
