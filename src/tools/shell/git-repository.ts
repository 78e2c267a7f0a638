import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { isWithin, resolveWorkspace } from '../workspace-path.js';

/**
 * Where git will find its repository when run in the workspace, found the way git finds it: the
 * nearest `.git` (a folder, a symlink, or a file saying `gitdir: …`) or bare repository from the
 * workspace upwards, then `commondir`, the object store and its alternates, and `core.worktree`.
 * A downloaded project can point any of these outside the workspace, and `git log -p` or
 * `git diff` would then print files ducklm may not read unasked.
 */
export type RepositoryPlace =
  | { kind: 'none' }
  | { kind: 'inside'; gitDir: string; workTree: string }
  | { kind: 'outside'; reason: string };

/** Paths are joined as text and resolved by the kernel (`realpath`), so `link/..` goes where the link leads. */
async function real(base: string, path: string): Promise<string | undefined> {
  try {
    return await realpath(isAbsolute(path) ? path : `${base}/${path}`);
  } catch {
    return undefined;
  }
}

const exists = (path: string) => lstat(path).then(() => true, () => false);
const isDir = (path: string) => stat(path).then((s) => s.isDirectory(), () => false);
const read = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/** git's own test for a repository folder: HEAD, and objects and refs (in the common folder). */
async function looksLikeGitDir(dir: string): Promise<boolean> {
  const common = (await read(`${dir}/commondir`))?.trim();
  const commonDir = common ? ((await real(dir, common)) ?? dir) : dir;
  return (await exists(`${dir}/HEAD`)) && (await isDir(`${commonDir}/objects`)) && (await isDir(`${commonDir}/refs`));
}

/** `core.worktree` from one config file; `null` when it is written in a way this reader does not follow. */
export function configWorktree(text: string): string | undefined | null {
  let section = '';
  let found: string | undefined | null;
  for (const raw of text.split('\n')) {
    let line = raw;
    const header = /^\s*\[\s*([A-Za-z0-9.-]+)(\s+"(?:[^"\\]|\\.)*")?\s*\]/.exec(line);
    if (header) {
      section = header[2] ? `${header[1]!.toLowerCase()} sub` : header[1]!.toLowerCase();
      line = line.slice(header[0].length);
    }
    const entry = /^\s*worktree\s*(?:=\s*(.*))?$/i.exec(line);
    if (section !== 'core' || !entry) continue;
    const value = (entry[1] ?? '').replace(/\s[#;].*$/, '').trim();
    // Escapes, continued lines and comments inside quotes: read them as unknown, which asks.
    found = value === '' || /\\|^[#;]/.test(value) ? null : value.replaceAll('"', '');
  }
  return found;
}

/** The `.git` found at `dir`, or a bare repository that `dir` is, as git resolves it. */
async function gitDirAt(dir: string): Promise<{ gitDir: string | undefined } | undefined> {
  const dotGit = `${dir}/.git`;
  const info = await lstat(dotGit).catch(() => undefined);
  if (info) {
    if (info.isFile()) {
      const line = /^gitdir: ?(.*?)\r?$/m.exec((await read(dotGit)) ?? '');
      return { gitDir: line ? await real(dir, line[1]!) : undefined };
    }
    const resolved = await real(dir, '.git');
    if (resolved && (await looksLikeGitDir(resolved))) return { gitDir: resolved };
    if (resolved === undefined) return { gitDir: undefined };
  }
  return (await looksLikeGitDir(dir)) ? { gitDir: dir } : undefined;
}

/** Every alternate object store, following alternates of alternates a few levels deep. */
async function objectStores(objects: string, depth = 0): Promise<Array<string | undefined>> {
  const list = (await read(`${objects}/info/alternates`)) ?? '';
  const stores: Array<string | undefined> = [objects];
  for (const line of list.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const store = await real(objects, line);
    if (store === undefined || depth >= 4) stores.push(undefined);
    else stores.push(...(await objectStores(store, depth + 1)));
  }
  return stores;
}

export async function locateRepository(workspace: string): Promise<RepositoryPlace> {
  const ws = await resolveWorkspace(workspace);
  const outside = (reason: string): RepositoryPlace => ({ kind: 'outside', reason });
  let dir = ws;
  let found: { gitDir: string | undefined } | undefined;
  for (;;) {
    found = await gitDirAt(dir);
    if (found) break;
    const parent = dirname(dir);
    if (parent === dir) return { kind: 'none' };
    dir = parent;
  }
  if (dir !== ws) return outside(`git would use the repository at \`${dir}\`, which is larger than the workspace`);
  const { gitDir } = found;
  if (gitDir === undefined) return outside('the workspace’s `.git` leads to a repository that cannot be found');
  if (!isWithin(ws, gitDir)) return outside(`the workspace’s \`.git\` leads to \`${gitDir}\`, outside the workspace`);

  const common = (await read(`${gitDir}/commondir`))?.trim();
  const commonDir = common ? await real(gitDir, common) : gitDir;
  if (commonDir === undefined || !isWithin(ws, commonDir)) return outside(`the repository’s common folder \`${common}\` is outside the workspace`);
  for (const store of await objectStores((await real(commonDir, 'objects')) ?? `${commonDir}/objects`)) {
    if (store === undefined || !isWithin(ws, store)) return outside(`the repository borrows objects from \`${store ?? 'a store that cannot be found'}\`, outside the workspace`);
  }
  const index = await real(gitDir, 'index');
  if (index !== undefined && !isWithin(ws, index)) return outside(`the repository’s index is \`${index}\`, outside the workspace`);

  // A bare repository has no work tree of its own; pinning it to the workspace still keeps an
  // included `core.worktree` from pointing elsewhere.
  let workTree = ws;
  for (const config of [`${commonDir}/config`, `${gitDir}/config.worktree`]) {
    const worktree = configWorktree((await read(config)) ?? '');
    if (worktree === null) return outside(`\`core.worktree\` in \`${config}\` is written in a way ducklm does not read`);
    if (worktree === undefined) continue;
    const place = await real(gitDir, worktree);
    if (place === undefined || !isWithin(ws, place)) return outside(`\`core.worktree\` in \`${config}\` puts the work tree at \`${place ?? worktree}\`, outside the workspace`);
    workTree = place;
  }
  return { kind: 'inside', gitDir, workTree };
}

/**
 * For a git command run without asking: the environment that pins git to the repository that was
 * checked (no discovery above the workspace; the checked repository and work tree given outright,
 * which beats `core.worktree`), or why git may not run unasked here.
 */
export async function pinnedRepositoryEnv(workspace: string): Promise<{ env: Record<string, string> } | { problem: string }> {
  const place = await locateRepository(workspace);
  if (place.kind === 'outside') return { problem: place.reason };
  const env: Record<string, string> = { GIT_CEILING_DIRECTORIES: dirname(await resolveWorkspace(workspace)) };
  if (place.kind === 'inside') {
    env.GIT_DIR = place.gitDir;
    env.GIT_WORK_TREE = place.workTree;
  }
  return { env };
}
