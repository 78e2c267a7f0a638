import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import type { Services } from '../services.js';

/** The "always allow" rules a person created; listing and revoking them is all there is. */
export function registerRuleRoutes(app: FastifyInstance, { store }: Services): void {
  app.get('/v1/rules', async () => store.rules.list());

  app.delete<{ Params: { ruleId: string } }>('/v1/rules/:ruleId', async (request, reply) => {
    if (!store.rules.delete(request.params.ruleId)) throw new HttpError(404, 'not_found', `Unknown rule: ${request.params.ruleId}`);
    return reply.status(204).send();
  });
}
