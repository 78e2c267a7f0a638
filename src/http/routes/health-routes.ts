import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../version.js';
import type { Services } from '../services.js';

export function registerHealthRoutes(app: FastifyInstance, { model, setup, mcp }: Services): void {
  app.get('/v1/health', async () => {
    const health = await model.health(AbortSignal.timeout(3000));
    return {
      status: 'ok',
      version: VERSION,
      model: {
        configured: health.configured,
        reachable: health.reachable,
        base_url: health.baseUrl,
        ...(health.detail ? { detail: health.detail } : {}),
        // What recall embeds with: named by DUCK_MODEL_EMBED (`configured`) or found (`detected`); null: lexical only.
        embedding: health.embedding ? { model: health.embedding.model, origin: health.embedding.origin } : null,
        // ready | loading | down | unconfigured | choose, with what to do about it (GET /v1/models has the rest).
        ...(setup ? { status: setup.status() } : {}),
      },
      // Each MCP server's state and tools; never its env or headers.
      mcp_servers: mcp?.statuses() ?? [],
    };
  });
}
