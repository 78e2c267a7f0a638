import { resolveInWorkspace } from '../workspace-path.js';
import { READ_ONLY_COMMANDS } from './read-only-commands.js';

export interface OutsidePath {
  /** The argument as written. */
  path: string;
  /** Where it really leads, symlinks resolved. */
  real: string;
}

/** The arguments a read-only command reads as files or folders (empty for commands that read none). */
export function pathArguments(argv: string[]): string[] {
  const [name, ...args] = argv;
  const command = name !== undefined && Object.hasOwn(READ_ONLY_COMMANDS, name) ? READ_ONLY_COMMANDS[name] : undefined;
  return command?.paths?.(args) ?? [];
}

/**
 * The first path any of `commands` would read outside the workspace, judged like file_read: resolved
 * against the workspace with every symlink followed, compared by path components (so `/ws-evil` is
 * outside `/ws`), and a path holding a NUL byte is outside.
 */
export async function firstPathOutside(workspaceReal: string, commands: string[][]): Promise<OutsidePath | undefined> {
  for (const argv of commands) {
    for (const path of pathArguments(argv)) {
      const { real, inside } = await resolveInWorkspace(workspaceReal, path);
      if (!inside) return { path, real };
    }
  }
  return undefined;
}
