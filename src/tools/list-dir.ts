import { readdir } from 'node:fs/promises';
import { z } from 'zod';
import { askOutsideWorkspace, outsideFolderRule } from './outside-workspace.js';
import { defineTool } from './tool.js';
import { resolveInWorkspace } from './workspace-path.js';

const MAX_ENTRIES = 500;

export const listDir = defineTool({
  name: 'list_dir',
  description: 'List the entries of a directory (folders end with /).',
  argsHint: '{"path": "directory, relative to the workspace; default \\".\\""}',
  inputSchema: z.object({ path: z.string().min(1).default('.') }),
  async approval(input, ctx) {
    const { real, inside } = await resolveInWorkspace(ctx.workspace, input.path);
    return inside ? { kind: 'allow' } : askOutsideWorkspace(real, 'list');
  },
  ruleTarget: (input, ctx) => outsideFolderRule(input.path, ctx, true),
  async execute(input, ctx) {
    const { real } = await resolveInWorkspace(ctx.workspace, input.path);
    const entries = await readdir(real, { withFileTypes: true });
    const names = entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort((a, b) => a.localeCompare(b));
    const truncated = names.length > MAX_ENTRIES;
    const shown = names.slice(0, MAX_ENTRIES);
    return { ok: true, output: shown.length ? shown.join('\n') : '(empty directory)', truncated };
  },
});
