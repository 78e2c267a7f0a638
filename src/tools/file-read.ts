import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { defineTool } from './tool.js';
import { askAboutPath, judgePath, outsidePathRule } from './outside-workspace.js';
import { raceAbort } from './race-abort.js';

const MAX_BYTES = 64 * 1024;
/** A slow disk or a hung network mount must not hold the task: the read gives up after this. */
const READ_TIMEOUT_MS = 10_000;

export const fileRead = defineTool({
  name: 'file_read',
  description: 'Read a text file.',
  argsHint: '{"path": "file path, relative to the workspace"}',
  inputSchema: z.object({ path: z.string().min(1) }),
  async approval(input, ctx) {
    const resolved = await judgePath(input.path, ctx);
    return resolved.inside ? { kind: 'allow' } : askAboutPath(resolved, 'read');
  },
  ruleTarget: (input, ctx) => outsidePathRule(input.path, ctx, 'read'),
  async execute(input, ctx) {
    const { real } = await judgePath(input.path, ctx);
    return raceAbort(readRegularFile(real, input.path), ctx.signal, READ_TIMEOUT_MS, 'file_read');
  },
});

/**
 * Opens without blocking and without following a symlink swapped in since the path was judged,
 * then refuses anything but a regular file: opening or reading a FIFO, socket or device can block
 * forever (and holds one of libuv's few threads while it does).
 */
async function readRegularFile(real: string, shown: string) {
  const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, output: `${shown} is not a regular file (${kindOf(stats)}); file_read reads only regular files.`, truncated: false };
    const buffer = Buffer.alloc(MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const truncated = bytesRead > MAX_BYTES;
    const bytes = buffer.subarray(0, Math.min(bytesRead, MAX_BYTES));
    if (bytes.includes(0)) return { ok: false, output: `${shown} looks like a binary file; not shown.`, truncated: false };
    return { ok: true, output: bytes.toString('utf8'), truncated };
  } finally {
    await handle.close();
  }
}

function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a file';
}
