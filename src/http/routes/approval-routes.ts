import type { FastifyInstance } from 'fastify';
import type { ApprovalStatus } from '../../store/approvals-repo.js';
import { HttpError } from '../http-error.js';
import type { Services } from '../services.js';

interface ApprovalParams {
  approvalId: string;
}

export function registerApprovalRoutes(app: FastifyInstance, { store, runtime }: Services): void {
  const requireApproval = (approvalId: string) => {
    const approval = store.approvals.get(approvalId);
    if (!approval) throw new HttpError(404, 'not_found', `Unknown approval: ${approvalId}`);
    return approval;
  };

  const decide = (approvalId: string, to: ApprovalStatus) => {
    const approval = requireApproval(approvalId);
    if (!store.approvals.transition(approvalId, 'pending', to)) {
      throw new HttpError(409, 'conflict', `Approval ${approvalId} was already decided (${approval.status}).`);
    }
    return requireApproval(approvalId);
  };

  app.get('/v1/approvals/pending', async () => store.approvals.pending());
  app.get<{ Params: ApprovalParams }>('/v1/approvals/:approvalId', async (request) => requireApproval(request.params.approvalId));
  app.post<{ Params: ApprovalParams }>('/v1/approvals/:approvalId/allow_once', async (request) => decide(request.params.approvalId, 'allowed'));
  app.post<{ Params: ApprovalParams }>('/v1/approvals/:approvalId/allow_always', async (request) => {
    const { approval, rule } = await runtime.allowAlways(request.params.approvalId);
    return { ...approval, rule };
  });
  app.post<{ Params: ApprovalParams }>('/v1/approvals/:approvalId/deny', async (request) => decide(request.params.approvalId, 'denied'));
}
