import { opendir, stat } from 'node:fs/promises';
import { z } from 'zod';
import { askAboutPath, judgePath, outsidePathRule } from './outside-workspace.js';
import { raceAbort } from './race-abort.js';
import { defineTool } from './tool.js';

const MAX_ENTRIES = 500;
/** Entries read before giving up on sorting everything: a folder of millions must not hold the task. */
const MAX_SCANNED = 20_000;
const LIST_TIMEOUT_MS = 10_000;

export const listDir = defineTool({
  name: 'list_dir',
  description: 'List the entries of a directory (folders end with /).',
  argsHint: '{"path": "directory, relative to the workspace; default \\".\\""}',
  inputSchema: z.object({ path: z.string().min(1).default('.') }),
  async approval(input, ctx) {
    const resolved = await judgePath(input.path, ctx);
    return resolved.inside ? { kind: 'allow' } : askAboutPath(resolved, 'list');
  },
  ruleTarget: (input, ctx) => outsidePathRule(input.path, ctx, 'list'),
  async execute(input, ctx) {
    const { real } = await judgePath(input.path, ctx);
    return raceAbort(listFolder(real, input.path, ctx.signal), ctx.signal, LIST_TIMEOUT_MS, 'list_dir');
  },
});

async function listFolder(real: string, shown: string, signal: AbortSignal) {
  if (!(await stat(real)).isDirectory()) return { ok: false, output: `${shown} is not a folder.`, truncated: false };
  const names: string[] = [];
  let scanned = 0;
  const dir = await opendir(real);
  try {
    for await (const entry of dir) {
      if (signal.aborted || ++scanned > MAX_SCANNED) break;
      names.push(entry.isDirectory() ? `${entry.name}/` : entry.name);
    }
  } finally {
    await dir.close().catch(() => {});
  }
  names.sort((a, b) => a.localeCompare(b));
  const truncated = names.length > MAX_ENTRIES || scanned > MAX_SCANNED;
  const shownNames = names.slice(0, MAX_ENTRIES);
  return { ok: true, output: shownNames.length ? shownNames.join('\n') : '(empty directory)', truncated };
}
