import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export interface ResolvedPath {
  /** The path with every symlink of its existing part resolved. */
  real: string;
  inside: boolean;
}

/** The workspace folder itself, with symlinks resolved when it exists. */
export async function resolveWorkspace(workspace: string): Promise<string> {
  const absolute = resolve(workspace);
  return realpathOfDeepestAncestor(absolute);
}

/**
 * Resolves `path` against the workspace and says whether it stays inside. Symlinks are followed
 * (for a path that does not exist yet, through its deepest existing ancestor), and the comparison
 * is by path components, so `/ws-evil` is not inside `/ws`.
 */
export async function resolveInWorkspace(workspaceReal: string, path: string): Promise<ResolvedPath> {
  if (path.includes('\0')) return { real: path.replaceAll('\0', ''), inside: false };
  const real = await realpathOfDeepestAncestor(resolve(workspaceReal, path));
  return { real, inside: isWithin(workspaceReal, real) };
}

export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

async function realpathOfDeepestAncestor(absolute: string): Promise<string> {
  let existing = absolute;
  const missing: string[] = [];
  for (;;) {
    try {
      const real = await realpath(existing);
      return missing.length ? resolve(real, ...missing.reverse()) : real;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      missing.push(existing.slice(parent.length).replace(/^[/\\]/, ''));
      existing = parent;
    }
  }
}
