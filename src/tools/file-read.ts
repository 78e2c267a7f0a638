import { open } from 'node:fs/promises';
import { z } from 'zod';
import { defineTool } from './tool.js';
import { askOutsideWorkspace, outsideFolderRule } from './outside-workspace.js';
import { resolveInWorkspace } from './workspace-path.js';

const MAX_BYTES = 64 * 1024;

export const fileRead = defineTool({
  name: 'file_read',
  description: 'Read a text file.',
  argsHint: '{"path": "file path, relative to the workspace"}',
  inputSchema: z.object({ path: z.string().min(1) }),
  async approval(input, ctx) {
    const { real, inside } = await resolveInWorkspace(ctx.workspace, input.path);
    return inside ? { kind: 'allow' } : askOutsideWorkspace(real, 'read');
  },
  ruleTarget: (input, ctx) => outsideFolderRule(input.path, ctx, false),
  async execute(input, ctx) {
    const { real } = await resolveInWorkspace(ctx.workspace, input.path);
    const handle = await open(real, 'r');
    try {
      const buffer = Buffer.alloc(MAX_BYTES + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const truncated = bytesRead > MAX_BYTES;
      const bytes = buffer.subarray(0, Math.min(bytesRead, MAX_BYTES));
      if (bytes.includes(0)) return { ok: false, output: `${input.path} looks like a binary file; not shown.`, truncated: false };
      return { ok: true, output: bytes.toString('utf8'), truncated };
    } finally {
      await handle.close();
    }
  },
});
