import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import type { Services } from '../services.js';
import { viaOf } from './chat-routes.js';

interface ApprovalParams {
  approvalId: string;
}

export function registerApprovalRoutes(app: FastifyInstance, { store, runtime }: Services): void {
  const requireApproval = (approvalId: string) => {
    const approval = store.approvals.get(approvalId);
    if (!approval) throw new HttpError(404, 'not_found', `Unknown approval: ${approvalId}`);
    return approval;
  };

  app.get('/v1/approvals/pending', async () => store.approvals.pending());
  app.get<{ Params: ApprovalParams }>('/v1/approvals/:approvalId', async (request) => requireApproval(request.params.approvalId));
  app.post<{ Params: ApprovalParams }>('/v1/approvals/:approvalId/allow_once', async (request) => runtime.decide(request.params.approvalId, 'allow_once', viaOf(request)));
  app.post<{ Params: ApprovalParams }>('/v1/approvals/:approvalId/allow_always', async (request) => {
    const { approval, rule } = await runtime.allowAlways(request.params.approvalId, viaOf(request));
    return { ...approval, rule };
  });
  app.post<{ Params: ApprovalParams }>('/v1/approvals/:approvalId/deny', async (request) => runtime.decide(request.params.approvalId, 'deny', viaOf(request)));
}
