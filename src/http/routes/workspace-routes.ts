import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveWorkspace } from '../../tools/workspace-path.js';
import { HttpError } from '../http-error.js';
import { directoriesQuery, parseInput } from '../request-schemas.js';
import type { Services } from '../services.js';

const MAX_ENTRIES = 500;

/**
 * What a client needs to pick a workspace: the ones chats used lately, a sensible default, and
 * the folders inside any folder (names only: what a file browser shows, to the token's holder).
 */
export function registerWorkspaceRoutes(app: FastifyInstance, { store }: Services): void {
  app.get('/v1/workspaces', async () => {
    const recent = store.conversations.recentWorkspaces(20);
    return { recent, default: recent[0]?.path ?? (await resolveWorkspace(process.cwd())), home: homedir() };
  });

  app.get('/v1/directories', async (request) => {
    const query = parseInput(directoriesQuery, request.query);
    const path = await resolveWorkspace(absoluteFolder(query.path ?? homedir()));
    const info = await stat(path).catch(() => null);
    if (!info) throw new HttpError(404, 'not_found', `No such folder: ${path}`);
    if (!info.isDirectory()) throw new HttpError(422, 'not_a_directory', `Not a folder: ${path}`);
    const entries = await readdir(path, { withFileTypes: true }).catch(() => {
      throw new HttpError(403, 'unreadable', `This folder cannot be read: ${path}`);
    });
    const shown = entries.filter((entry) => query.hidden || !entry.name.startsWith('.'));
    // A link counts when it leads to a folder; only links need the extra stat.
    const isFolder = await Promise.all(shown.map((entry) => entry.isDirectory() || (entry.isSymbolicLink() && stat(join(path, entry.name)).then((s) => s.isDirectory(), () => false))));
    const directories = shown
      .filter((_entry, i) => isFolder[i])
      .map((entry) => entry.name)
      .sort((a, b) => a.localeCompare(b));
    const parent = dirname(path);
    return { path, parent: parent === path ? null : parent, directories: directories.slice(0, MAX_ENTRIES), truncated: directories.length > MAX_ENTRIES };
  });
}

/** `~` is the home folder; a relative path would mean the server's own folder, which no client means. */
function absoluteFolder(path: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
  if (!isAbsolute(expanded)) throw new HttpError(422, 'relative_path', `Give the folder as a full path (or starting with ~/): ${path}`);
  return expanded;
}
