import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { chmod, lstat, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A file ducklm writes, edits or restores, and the text it writes, is at most this big. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** What is at a path now: nothing, a regular file's bytes and mode, or something else. */
export type CurrentFile =
  | { kind: 'absent' }
  | { kind: 'file'; bytes: Buffer; mode: number }
  | { kind: 'too_big'; size: number }
  | { kind: 'other'; what: string };

/**
 * Reads the file at `real` without following a symlink (one swapped in since the path was judged
 * is "other") and without blocking on a FIFO or device.
 */
export async function readCurrent(real: string): Promise<CurrentFile> {
  const linkStats = await lstat(real).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!linkStats) return { kind: 'absent' };
  if (!linkStats.isFile()) return { kind: 'other', what: kindOf(linkStats) };
  if (linkStats.size > MAX_FILE_BYTES) return { kind: 'too_big', size: linkStats.size };
  const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { kind: 'other', what: kindOf(stats) };
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_FILE_BYTES) return { kind: 'too_big', size: stats.size };
    return { kind: 'file', bytes: Buffer.from(buffer.subarray(0, bytesRead)), mode: stats.mode & 0o7777 };
  } finally {
    await handle.close();
  }
}

export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Writes `bytes` to `real` all at once: into a new temporary file beside it, then renamed over it,
 * so a reader never sees half a file and a crash leaves the old one. The rename replaces whatever
 * name is there (a symlink swapped in is replaced, never followed). `beforeRename` is the last
 * check, run when the new bytes are on disk; it returns why not to go on, or null.
 */
export async function writeAtomically(real: string, bytes: Buffer, mode: number | null, beforeRename: () => Promise<string | null>): Promise<string | null> {
  const temp = join(dirname(real), `.${basename(real)}.ducklm-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode ?? 0o666);
  try {
    try {
      await handle.writeFile(bytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    // The mode given to open is narrowed by the umask; a replaced file keeps exactly its own.
    if (mode !== null) await chmod(temp, mode);
    const refusal = await beforeRename();
    if (refusal) {
      await rm(temp, { force: true });
      return refusal;
    }
    await rename(temp, real);
    return null;
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}
