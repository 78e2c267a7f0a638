import type { ApprovalDecision } from './tool.js';

export function askOutsideWorkspace(realPath: string, verb: 'read' | 'list'): ApprovalDecision {
  return {
    kind: 'ask',
    reason: `${realPath} is outside the workspace; ducklm may ${verb} it only with your approval.`,
    riskLevel: 'medium',
    actionType: 'file_read',
    needsPassword: false,
  };
}
