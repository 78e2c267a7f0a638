import { z } from 'zod';
import { askAboutChange, editsRule, prepareChange, runChange, type Rewrite } from './file-change.js';
import { defineTool } from './tool.js';
import { withLineEnding } from './text-encoding.js';

type Input = { path: string; old: string; new: string };

/** Where `needle` starts in `text`, overlapping matches counted: "aa" is twice in "aaa", so it is ambiguous there. */
function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** Replaces the one occurrence of `old`; none or several is an error the planner reads. Text written with LF matches a CRLF file. */
const replaceOnce =
  (input: Input): Rewrite =>
  (current, shown) => {
    if (!current) return { error: `${shown} does not exist; file_edit changes existing files (file_write creates one).` };
    const old = withLineEnding(input.old, current.lineEnding);
    const found = occurrences(current.text, old);
    if (found.length === 0) return { error: `"old" was found 0 times in ${shown}; it must match exactly once, with the same spaces, indentation and line breaks. Read the file and copy the text.` };
    if (found.length > 1) return { error: `"old" was found ${found.length} times in ${shown}; it must match exactly once. Include more of the surrounding lines to make it unique.` };
    const at = found[0]!;
    return { text: current.text.slice(0, at) + withLineEnding(input.new, current.lineEnding) + current.text.slice(at + old.length) };
  };

export const fileEdit = defineTool<Input>({
  name: 'file_edit',
  description: 'Replace the one occurrence of "old" in a text file with "new" ("old" copied exactly, long enough to be unique).',
  argsHint: '{"path": "relative to the workspace", "old": "exact text", "new": "replacement"}',
  inputSchema: z.object({ path: z.string().min(1), old: z.string().min(1), new: z.string() }),
  async approval(input, ctx) {
    return askAboutChange(await prepareChange('file_edit', input.path, ctx, replaceOnce(input)), 'file_edit');
  },
  ruleTarget: (input, ctx) => editsRule(input.path, ctx),
  execute: (input, ctx) => runChange('file_edit', input.path, ctx, replaceOnce(input), (c) => `Edited ${c.shown}: replaced the one occurrence of "old" (now ${c.after.length} bytes).`),
  auditSubject: (input) => ({ command: `file_edit ${input.path}`, riskLevel: 'low', actionType: 'file_write', sudo: false }),
});
