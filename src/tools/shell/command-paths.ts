import { concernPhrase } from '../outside-workspace.js';
import { createPathJudge, type PathConcern, type PathJudgeOptions } from '../workspace-path.js';
import { READ_ONLY_COMMANDS } from './read-only-commands.js';

export interface OutsidePath {
  /** The argument as written. */
  path: string;
  /** Where it really leads, symlinks resolved. */
  real: string;
  concern: PathConcern;
  /** Why it asks, for the approval card: "is outside the workspace"... */
  why: string;
}

/** The arguments a read-only command declares it reads as files or folders (empty for commands that read none). */
export function pathArguments(argv: string[]): string[] {
  return readOnlyCommand(argv[0])?.paths?.(argv.slice(1)) ?? [];
}

function readOnlyCommand(name: string | undefined) {
  return name !== undefined && Object.hasOwn(READ_ONLY_COMMANDS, name) ? READ_ONLY_COMMANDS[name] : undefined;
}

/**
 * Every word a file-reading command might take as a path. Which words a program reads as paths
 * depends on its own parser (`find -- /x` and `find ,link/` are start points that look like
 * something else), so besides the declared paths, every argument counts, and so do the values
 * glued to options (`--opt=/x`, `-r/x`). A word that was never meant as a path resolves inside
 * the workspace unless it is absolute or climbs out, so this asks only where a path could leave.
 */
export function candidatePaths(argv: string[]): string[] {
  if (!readOnlyCommand(argv[0])?.paths) return [];
  const args = argv.slice(1);
  const words = new Set(pathArguments(argv));
  for (const arg of args) {
    if (arg === '-' || arg === '--') continue;
    words.add(arg);
    if (!arg.startsWith('-')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) words.add(arg.slice(eq + 1));
    // `-r/x`, `-aI/x`: a short option's value starts anywhere after the dash.
    if (!arg.startsWith('--')) for (let i = 2; i < arg.length; i++) words.add(arg.slice(i));
  }
  return [...words].filter((word) => word !== '');
}

/**
 * The first path any of `commands` could touch that may not be touched unasked, judged like
 * file_read: resolved from the workspace as the kernel does, compared by path components (so
 * `/ws-evil` is outside `/ws`); a NUL byte, a hard-linked file or ducklm's own data asks too.
 */
export async function firstPathOutside(workspaceReal: string, commands: string[][], options: PathJudgeOptions = {}): Promise<OutsidePath | undefined> {
  const judge = await createPathJudge(workspaceReal, options);
  for (const argv of commands) {
    for (const path of candidatePaths(argv)) {
      const { real, inside, concern } = await judge(path);
      if (!inside) return { path, real, concern: concern ?? 'outside', why: concernPhrase(concern) };
    }
  }
  return undefined;
}
