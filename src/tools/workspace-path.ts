import { lstat, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** Why a path may not be touched unasked: it leads out, it may be a second name of an outside file, or it is ducklm's own data. */
export type PathConcern = 'outside' | 'hard_link' | 'protected' | 'process_data';

export interface ResolvedPath {
  /** Where the kernel would land, every symlink followed (for a path that does not exist yet, through its deepest existing part). */
  real: string;
  /** Inside the workspace, and no other concern. */
  inside: boolean;
  concern?: PathConcern;
}

/**
 * ducklm's own files (its data folder, database, token): never touched unasked. A protected folder
 * yields to a workspace the user placed inside it; a protected file never yields.
 */
export interface PathJudgeOptions {
  protectedPaths?: readonly string[];
}

/** Every process's environment and memory, ducklm's API keys among them: asks even when the workspace is `/`. */
export const PROCESS_DATA = '/proc';

/** Linux gives up after 40 links in one lookup (ELOOP); we do the same, and judge the path outside. */
const MAX_SYMLINKS = 40;

/** The workspace folder itself, with symlinks resolved when it exists. */
export async function resolveWorkspace(workspace: string): Promise<string> {
  return (await walk(process.cwd(), workspace)).real;
}

/**
 * Resolves `path` from the workspace the way the kernel does, one component at a time: a symlink is
 * followed before a `..` after it is applied (so `link/..` is the link target's parent, not the
 * workspace), and a component that does not exist yet is taken as a plain folder. The result is then
 * compared by path components, so `/ws-evil` is not inside `/ws`.
 */
export async function resolveInWorkspace(workspace: string, path: string, options: PathJudgeOptions = {}): Promise<ResolvedPath> {
  return (await createPathJudge(workspace, options))(path);
}

/** The judge of `resolveInWorkspace` for many paths: the workspace and protected paths are resolved once. */
export async function createPathJudge(workspace: string, options: PathJudgeOptions = {}): Promise<(path: string) => Promise<ResolvedPath>> {
  const workspaceReal = (await walk(process.cwd(), workspace)).real;
  const protectedReal = await Promise.all((options.protectedPaths ?? []).map(async (p) => (await walk(process.cwd(), p)).real));
  return async (path) => {
    if (path.includes('\0')) return { real: path.replaceAll('\0', ''), inside: false, concern: 'outside' };
    const { real, exists, loop } = await walk(workspaceReal, path);
    if (loop || !isWithin(workspaceReal, real)) return { real, inside: false, concern: 'outside' };
    if (isProtected(workspaceReal, real, protectedReal)) return { real, inside: false, concern: 'protected' };
    if (isWithin(PROCESS_DATA, real)) return { real, inside: false, concern: 'process_data' };
    // A second name of a file may be the only name inside the workspace: its content may live anywhere.
    if (exists && (await isHardLinkedFile(real))) return { real, inside: false, concern: 'hard_link' };
    return { real, inside: true };
  };
}

export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

interface Walked {
  real: string;
  /** Every component existed (the kernel would find the path). */
  exists: boolean;
  /** Too many symlinks: the kernel would fail with ELOOP. */
  loop?: boolean;
}

/** Kernel path lookup from `start` (an absolute path with no symlinks in it, as getcwd gives). */
async function walk(start: string, path: string): Promise<Walked> {
  let current = isAbsolute(path) ? sep : start;
  const pending = components(path);
  let links = 0;
  let exists = true;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, name);
    const stats = await lstat(next).catch(() => null);
    if (stats?.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) return { real: next, exists: false, loop: true };
      const target = await readlink(next).catch(() => null);
      if (target === null) return { real: next, exists: false, loop: true };
      if (isAbsolute(target)) current = sep;
      pending.unshift(...components(target));
      continue;
    }
    if (!stats) exists = false;
    current = next;
  }
  return { real: current, exists };
}

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

async function isHardLinkedFile(real: string): Promise<boolean> {
  const stats = await lstat(real).catch(() => null);
  return stats !== null && stats.isFile() && stats.nlink > 1;
}

function isProtected(workspaceReal: string, real: string, protectedReals: readonly string[]): boolean {
  for (const protectedReal of protectedReals) {
    if (!isWithin(protectedReal, real)) continue;
    // A workspace the user placed inside the data folder keeps its own files (a file can hold no
    // workspace, so the database and token, listed as files of their own, stay protected).
    if (isWithin(protectedReal, workspaceReal)) continue;
    return true;
  }
  return false;
}
