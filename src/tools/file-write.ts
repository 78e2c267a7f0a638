import { z } from 'zod';
import { askAboutChange, editsRule, prepareChange, runChange, type Rewrite } from './file-change.js';
import { defineTool } from './tool.js';
import { withLineEnding } from './text-encoding.js';

type Input = { path: string; content: string };

/** An existing file keeps its encoding and, when all its lines end so, CRLF line endings. */
const replaceWith =
  (content: string): Rewrite =>
  (current) => ({ text: current ? withLineEnding(content, current.lineEnding) : content });

export const fileWrite = defineTool<Input>({
  name: 'file_write',
  description: 'Create a text file, or replace all of its text (for a small change use file_edit).',
  argsHint: '{"path": "relative to the workspace", "content": "the whole new text"}',
  inputSchema: z.object({ path: z.string().min(1), content: z.string() }),
  async approval(input, ctx) {
    return askAboutChange(await prepareChange('file_write', input.path, ctx, replaceWith(input.content)), 'file_write');
  },
  ruleTarget: (input, ctx) => editsRule(input.path, ctx),
  execute: (input, ctx) => runChange('file_write', input.path, ctx, replaceWith(input.content), (c) => `Wrote ${c.shown} (${c.before === null ? 'created, ' : ''}${c.after.length} bytes).`),
  auditSubject: (input, _ctx, result) => ({
    command: `file_write ${input.path} (${result?.fileChange?.created ? 'created, ' : ''}${result?.fileChange?.bytes ?? Buffer.byteLength(input.content)} bytes)`,
    riskLevel: 'low',
    actionType: 'file_write',
    sudo: false,
  }),
});
