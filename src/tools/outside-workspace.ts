import { dirname } from 'node:path';
import type { RuleTarget } from '../store/rules-repo.js';
import type { ApprovalDecision, ToolContext } from './tool.js';
import { resolveInWorkspace } from './workspace-path.js';

export function askOutsideWorkspace(realPath: string, verb: 'read' | 'list'): ApprovalDecision {
  return {
    kind: 'ask',
    reason: `${realPath} is outside the workspace; ducklm may ${verb} it only with your approval.`,
    riskLevel: 'medium',
    actionType: 'file_read',
    needsPassword: false,
  };
}

/** "Always allow" for a path outside the workspace covers its folder (for a file, the file's folder). */
export async function outsideFolderRule(path: string, ctx: ToolContext, isFolder: boolean): Promise<RuleTarget | null> {
  const { real, inside } = await resolveInWorkspace(ctx.workspace, path);
  if (inside) return null;
  return { kind: 'path', pattern: isFolder ? real : dirname(real) };
}
