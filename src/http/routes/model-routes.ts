import type { FastifyInstance } from 'fastify';
import { ROLES, type Role } from '../../model/roles.js';
import type { ModelSetup } from '../../model/model-setup.js';
import { HttpError } from '../http-error.js';
import { modelSelectionBody, modelsQuery, parseInput } from '../request-schemas.js';
import type { Services } from '../services.js';

/**
 * Finding and choosing the model from inside ducklm: what servers are on this machine and what
 * they offer, the choice per role and where it comes from, and the model's status as it changes.
 */
export function registerModelRoutes(app: FastifyInstance, { setup, streams }: Services): void {
  const requireSetup = (): ModelSetup => {
    if (!setup) throw new HttpError(409, 'conflict', 'This ducklm was started with a model given in code; there is nothing to choose here.');
    return setup;
  };

  app.get('/v1/models', async (request) => {
    const { refresh } = parseInput(modelsQuery, request.query);
    const s = requireSetup();
    if (refresh) await s.refresh();
    return describe(s);
  });

  // Saved to ducklm.config.json; used from the next message on. The environment still wins: `locked` says where.
  app.put('/v1/models/selection', async (request) => {
    const s = requireSetup();
    const body = parseInput(modelSelectionBody, request.body);
    await s.save(body);
    return describe(s);
  });

  app.get('/v1/models/status/stream', async (_request, reply) => {
    const s = requireSetup();
    await streams.watchModel(reply, (listener) => s.watch(listener));
  });
}

function describe(setup: ModelSetup) {
  const { servers, choice, status, local } = setup.overview();
  const { config } = choice;
  const locked = [
    ...(config.sources.baseUrl === 'env' ? ['DUCK_MODEL_BASE_URL'] : []),
    ...(config.sources.modelPath === 'env' ? ['DUCK_MODEL_PATH'] : []),
    ...ROLES.filter((r) => config.sources.models[r] === 'env').map((r) => `model of ${r}`),
  ];
  return {
    status,
    servers: servers.map((s) => ({
      base_url: s.baseUrl,
      ...(s.configuredAs ? { configured_as: s.configuredAs } : {}),
      kind: s.dialect,
      label: s.label,
      reachable: s.reachable,
      loading: s.loading,
      models: s.models,
    })),
    /** GGUF files pulled into the data folder, each usable by the embedded engine. */
    local,
    selection: {
      how: choice.how,
      base_url: config.modelPath ? null : config.baseUrl,
      model_path: config.modelPath,
      models: Object.fromEntries(ROLES.map((r) => [r, { model: config.models[r], source: config.sources.models[r] }])) as Record<Role, { model: string; source: string }>,
      base_url_source: config.sources.baseUrl,
      model_path_source: config.sources.modelPath,
      unchosen: choice.unchosen,
      notes: choice.notes,
      /** Set by environment variables, which win over what is chosen here. */
      locked,
    },
  };
}
