import { createHash } from 'node:crypto';
import { lstat, mkdir } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type { RuleTarget } from '../store/rules-repo.js';
import { MAX_FILE_BYTES, readCurrent, writeAtomically, type CurrentFile } from './file-bytes.js';
import { concernPhrase, judgePath } from './outside-workspace.js';
import { raceAbort } from './race-abort.js';
import { decodeText, encodeText, type DecodedText } from './text-encoding.js';
import type { ApprovalDecision, ExecuteContext, FileChange, ToolContext, ToolResult } from './tool.js';
import { unifiedDiff } from './unified-diff.js';
import { isWithin, PROCESS_DATA, resolveWorkspace, type PathConcern, type ResolvedPath } from './workspace-path.js';

/** What the planner wants the file's text to become, from its current text (null: there is no file yet). */
export type Rewrite = (current: DecodedText | null, shown: string) => { text: string } | { error: string };

/** A write or edit checked and computed, ready to be asked about and applied. */
export interface PreparedChange {
  resolved: ResolvedPath;
  workspaceReal: string;
  /** The path as the person reads it: relative inside the workspace, absolute outside. */
  shown: string;
  before: Buffer | null;
  after: Buffer;
  /** The file's mode, kept when it is replaced; null for a new file. */
  mode: number | null;
  /** A new file whose folder does not exist yet: it is made (inside the workspace only). */
  makesFolder: boolean;
  diff: string;
}

export type Preparation = { ok: true; change: PreparedChange } | { ok: false; reason: string };

const MIB = MAX_FILE_BYTES / (1024 * 1024);

/**
 * Everything that could stop a change, checked before anyone is asked (a person is never asked to
 * approve an edit that cannot apply), and the diff of exactly what it would write. Called again
 * when the change runs, so what runs is computed from the file as it is then.
 */
export async function prepareChange(tool: string, path: string, ctx: Pick<ToolContext, 'workspace' | 'protectedPaths'>, rewrite: Rewrite): Promise<Preparation> {
  const resolved = await judgePath(path, ctx);
  const never = await neverWritten(resolved, ctx.protectedPaths ?? []);
  if (never) return { ok: false, reason: `${tool} refused: ${resolved.real} ${concernPhrase(never)}. ducklm never writes there, not even with approval; nothing was written.` };
  const workspaceReal = await resolveWorkspace(ctx.workspace);
  const shown = resolved.inside ? relative(workspaceReal, resolved.real) || '.' : resolved.real;
  const current = await readCurrent(resolved.real);
  const problem = currentProblem(current, shown, tool);
  if (problem) return { ok: false, reason: problem };
  const existing = current.kind === 'file' ? current : null;
  let makesFolder = false;
  if (!existing) {
    const folder = await lstat(dirname(resolved.real)).catch(() => null);
    if (folder && !folder.isDirectory()) return { ok: false, reason: `${tool} refused: ${dirname(shown)} is not a folder; nothing was written.` };
    if (!folder && !resolved.inside) return { ok: false, reason: `${tool} refused: the folder ${dirname(resolved.real)} does not exist, and ducklm makes folders only inside the workspace; nothing was written.` };
    makesFolder = !folder;
  }
  const decoded = existing ? decodeText(existing.bytes) : null;
  if (decoded && 'error' in decoded) return { ok: false, reason: `${tool} refused: ${shown} ${decoded.error}; ducklm edits only UTF-8 or UTF-16 text (with a byte-order mark); nothing was written.` };
  const rewritten = rewrite(decoded, shown);
  if ('error' in rewritten) return { ok: false, reason: `${tool} refused: ${rewritten.error} Nothing was written.` };
  const after = encodeText(rewritten.text, decoded?.encoding ?? 'utf8');
  if (after.length > MAX_FILE_BYTES) return { ok: false, reason: `${tool} refused: ${shown} would be ${after.length} bytes; ducklm writes files of at most ${MIB} MiB; nothing was written.` };
  if (existing && after.equals(existing.bytes)) return { ok: false, reason: `${tool}: ${shown} already holds exactly this text; nothing to change.` };
  const diff = unifiedDiff(shown, decoded?.text ?? null, rewritten.text);
  return { ok: true, change: { resolved, workspaceReal, shown, before: existing?.bytes ?? null, after, mode: existing?.mode ?? null, makesFolder, diff } };
}

/**
 * What no write may touch, wherever it is: the judge calls a path outside the workspace just
 * "outside" (a read of it may be approved), but ducklm's own data and /proc are never written, nor
 * a file with a second name.
 */
export async function neverWritten(resolved: ResolvedPath, protectedPaths: readonly string[]): Promise<PathConcern | null> {
  if (resolved.concern === 'protected' || resolved.concern === 'process_data' || resolved.concern === 'hard_link') return resolved.concern;
  if (resolved.inside) return null;
  if (isWithin(PROCESS_DATA, resolved.real)) return 'process_data';
  const protectedReals = await Promise.all(protectedPaths.map(resolveWorkspace));
  if (protectedReals.some((p) => isWithin(p, resolved.real))) return 'protected';
  const stats = await lstat(resolved.real).catch(() => null);
  return stats?.isFile() && stats.nlink > 1 ? 'hard_link' : null;
}

function currentProblem(current: CurrentFile, shown: string, tool: string): string | null {
  if (current.kind === 'other') return `${tool} refused: ${shown} is ${current.what}; ducklm writes only regular files; nothing was written.`;
  if (current.kind === 'too_big') return `${tool} refused: ${shown} is ${current.size} bytes; ducklm edits files of at most ${MIB} MiB; nothing was written.`;
  return null;
}

/** The card: inside the workspace it may be always allowed for the whole workspace; outside, never. */
export function askAboutChange(prepared: Preparation, tool: string): ApprovalDecision {
  if (!prepared.ok) return { kind: 'refuse', reason: prepared.reason };
  const { change } = prepared;
  const verb = change.before === null ? `create ${change.shown}${change.makesFolder ? ` (and its folder ${dirname(change.shown)})` : ''}` : `change ${change.shown}`;
  const base = { actionType: 'file_write' as const, needsPassword: false, diff: change.diff };
  if (change.resolved.inside) {
    return { kind: 'ask', ...base, riskLevel: 'low', reason: `${tool} would ${verb} in the workspace, as the diff shows. "Always allow" would let ducklm write and edit any file in ${change.workspaceReal} without asking.` };
  }
  return {
    kind: 'ask',
    ...base,
    riskLevel: 'medium',
    reason: `${tool} would ${verb}, which is outside the workspace; ducklm may write it only with your approval. "Always allow" is not offered for writes outside the workspace.`,
  };
}

/** "Always allow edits in this workspace": one rule per workspace; nothing outside it gets one. */
export async function editsRule(path: string, ctx: ToolContext): Promise<RuleTarget | null> {
  const resolved = await judgePath(path, ctx);
  return resolved.inside ? { kind: 'edits', pattern: await resolveWorkspace(ctx.workspace) } : null;
}

/**
 * Applies a change prepared just now. When a person approved it, its diff must still be the one
 * they saw; and the file must still hold what the change was computed from when the new bytes are
 * ready to replace it (it may have been changed by someone else meanwhile).
 */
export async function applyChange(prepared: Preparation, ctx: ExecuteContext, summary: (change: PreparedChange) => string): Promise<ToolResult> {
  if (!prepared.ok) return failed(prepared.reason);
  const { change } = prepared;
  if (ctx.approvedDiff !== undefined && ctx.approvedDiff !== change.diff) {
    return failed(`${change.shown} changed since you approved this change, so it would no longer do what the approved diff showed; nothing was written. Read the file again and plan the change anew.`);
  }
  // Outside the workspace a change always asks, so one with no approved diff was judged inside
  // a moment ago: a link swapped in since then must not carry it out.
  if (!change.resolved.inside && ctx.approvedDiff === undefined) return failed(`${change.shown} is outside the workspace now (a link was swapped in?); nothing was written.`);
  ctx.signal.throwIfAborted();
  if (change.makesFolder) await mkdir(dirname(change.resolved.real), { recursive: true });
  const refusal = await writeAtomically(change.resolved.real, change.after, change.mode, async () => {
    const again = await judgePath(change.resolved.real, ctx);
    if (again.real !== change.resolved.real || again.inside !== change.resolved.inside) return `${change.shown} now leads somewhere else (a link was swapped in); nothing was written.`;
    const never = await neverWritten(again, ctx.protectedPaths ?? []);
    if (never) return `${change.shown} ${concernPhrase(never)} now; nothing was written.`;
    // Cancelled, or given up on as too slow: the task no longer waits, so nothing would record the change.
    if (ctx.signal.aborted) return 'The change was stopped before it was written; nothing was written.';
    const now = await readCurrent(change.resolved.real);
    const same = change.before === null ? now.kind === 'absent' : now.kind === 'file' && now.bytes.equals(change.before);
    return same ? null : `${change.shown} changed while ducklm was writing it; nothing was written. Read it again and plan the change anew.`;
  });
  if (refusal) return failed(refusal);
  const fileChange: FileChange = {
    path: change.resolved.real,
    workspace: change.workspaceReal,
    before: change.before,
    afterSha256: sha256(change.after),
    bytes: change.after.length,
    diff: change.diff,
    created: change.before === null,
  };
  return { ok: true, output: summary(change), truncated: false, fileChange };
}

/** A slow disk or a hung network mount must not hold the task: a change gives up after this. */
const CHANGE_TIMEOUT_MS = 15_000;

/**
 * A tool's execution: prepared again from the file as it is now, then applied, within the timeout.
 * A change given up on (timeout or cancel) sees its signal aborted before the rename, and writes nothing.
 */
export async function runChange(tool: string, path: string, ctx: ExecuteContext, rewrite: Rewrite, summary: (change: PreparedChange) => string): Promise<ToolResult> {
  const abandoned = new AbortController();
  const signal = AbortSignal.any([ctx.signal, abandoned.signal]);
  const work = prepareChange(tool, path, ctx, rewrite).then((prepared) => applyChange(prepared, { ...ctx, signal }, summary));
  try {
    return await raceAbort(work, ctx.signal, CHANGE_TIMEOUT_MS, tool);
  } finally {
    abandoned.abort();
  }
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function failed(output: string): ToolResult {
  return { ok: false, output, truncated: false };
}
