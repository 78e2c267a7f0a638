import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import type { Services } from '../services.js';

/**
 * Settings' "Start" for an MCP server: starts it now (a task would start it anyway) so its tools
 * can be seen, or tries again one that failed. Answers with its state, as health shows it.
 */
export function registerMcpRoutes(app: FastifyInstance, { mcp }: Services): void {
  app.post<{ Params: { name: string } }>('/v1/mcp/servers/:name/start', async (request) => {
    const status = await mcp?.start(request.params.name);
    if (!status) throw new HttpError(404, 'not_found', `No MCP server is configured as "${request.params.name}".`);
    return status;
  });
}
