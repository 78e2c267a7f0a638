import { dirname } from 'node:path';
import type { RuleTarget } from '../store/rules-repo.js';
import type { ApprovalDecision, ToolContext } from './tool.js';
import { resolveInWorkspace, type PathConcern, type ResolvedPath } from './workspace-path.js';

export type PathVerb = 'read' | 'list';

/** The path judge with this task's workspace and ducklm's protected paths. */
export function judgePath(path: string, ctx: Pick<ToolContext, 'workspace' | 'protectedPaths'>): Promise<ResolvedPath> {
  return resolveInWorkspace(ctx.workspace, path, { protectedPaths: ctx.protectedPaths ?? [] });
}

/** Why a path asks, in words a user can read: "<path> <phrase>". */
export function concernPhrase(concern: PathConcern | undefined): string {
  if (concern === 'protected') return "is ducklm's own data (its database or API token)";
  if (concern === 'process_data') return "is under /proc, where processes' environments and memory live";
  if (concern === 'hard_link') return 'is a hard link: the same file has another name, which may be outside the workspace';
  return 'is outside the workspace';
}

function concernText(real: string, concern: PathConcern | undefined): string {
  return `${real} ${concernPhrase(concern)}`;
}

/**
 * What "always allow" would cover, said on the card in the same words the rule is matched by:
 * reading the files directly in one folder, or listing one folder; never anything below it.
 */
export function alwaysScope(real: string, verb: PathVerb): string {
  return verb === 'read' ? `reading the files directly in ${dirname(real)} (not in its subfolders)` : `listing ${real} itself (not its subfolders)`;
}

export function askAboutPath(resolved: ResolvedPath, verb: PathVerb): ApprovalDecision {
  const scope = resolved.concern === 'outside' ? ` "Always allow" would cover ${alwaysScope(resolved.real, verb)}, from this workspace only.` : ' "Always allow" is not offered for it.';
  return {
    kind: 'ask',
    reason: `${concernText(resolved.real, resolved.concern)}; ducklm may ${verb} it only with your approval.${scope}`,
    riskLevel: resolved.concern === 'protected' || resolved.concern === 'process_data' ? 'high' : 'medium',
    actionType: 'file_read',
    needsPassword: false,
  };
}

/**
 * The rule "always allow" would store: for a read, the folder whose direct files it covers; for a
 * listing, the folder itself. Rules match by equality, so a rule covers exactly what the card said.
 * ducklm's own data and hard links get no rule: each read of them asks.
 */
export async function outsidePathRule(path: string, ctx: ToolContext, verb: PathVerb): Promise<RuleTarget | null> {
  const resolved = await judgePath(path, ctx);
  if (resolved.concern !== 'outside') return null;
  return { kind: 'path', pattern: verb === 'read' ? dirname(resolved.real) : resolved.real };
}
