import type { ModelConfig } from '../config.js';
import { ROLES, type Role } from './roles.js';
import { chatModels, type FoundServer } from './server-discovery.js';

/**
 * Which server and models the roles use, from the configuration and what discovery found: what
 * the environment or the config file says is used as said (a URL missing its /v1 is corrected);
 * what nobody said is filled in where there is exactly one answer, so that one server offering
 * one model needs no configuration at all. Anything else is left for the person to choose.
 */
export interface ModelChoice {
  /** The configuration a client is built from. */
  config: ModelConfig;
  /** The server used, and how it was chosen; null when there is none (or the embedded engine). */
  server: FoundServer | null;
  how: 'embedded' | 'configured' | 'found' | 'none';
  /** What was filled in or corrected, in words, for health and Settings; empty when nothing was. */
  notes: string[];
  /** Roles whose model nobody named and that could not be chosen: the server offers several. */
  unchosen: Role[];
}

/**
 * `previous`: the server found before. When it stops answering and nothing else offers a model,
 * it stays chosen, so that the header says it is down and its errors say why, rather than
 * "nothing is configured".
 */
export function chooseModel(config: ModelConfig, servers: FoundServer[], previous: FoundServer | null = null): ModelChoice {
  if (config.modelPath) return { config, server: null, how: 'embedded', notes: [], unchosen: [] };
  const notes: string[] = [];
  let server: FoundServer | null = null;
  let how: ModelChoice['how'] = 'none';
  if (config.baseUrl) {
    server = servers.find((s) => s.baseUrl === config.baseUrl || s.configuredAs === config.baseUrl) ?? null;
    how = 'configured';
    if (server?.configuredAs) notes.push(`${server.configuredAs} has its OpenAI API at ${server.baseUrl}: using that.`);
  } else {
    const offering = servers.filter((s) => s.reachable && chatModels(s).length);
    if (offering.length === 1) {
      server = offering[0]!;
      how = 'found';
      notes.push(`Found ${server.label} at ${server.baseUrl}.`);
    } else if (!offering.length && previous) {
      const gone = servers.find((s) => s.baseUrl === previous.baseUrl && !s.reachable);
      if (gone) ({ server, how } = { server: { ...previous, reachable: false, loading: false }, how: 'found' });
    }
  }
  const baseUrl = server?.baseUrl ?? config.baseUrl;
  const models = { ...config.models };
  const sources = { ...config.sources, models: { ...config.sources.models } };
  const unchosen: Role[] = [];
  const offered = server ? chatModels(server) : [];
  for (const role of ROLES) {
    if (config.sources.models[role] !== 'default' || !server) continue;
    if (offered.length === 1) models[role] = offered[0]!.id;
    else if (offered.length > 1) unchosen.push(role);
  }
  if (server && offered.length === 1 && ROLES.some((r) => config.sources.models[r] === 'default')) notes.push(`Using its one model, ${offered[0]!.id}.`);
  return { config: { ...config, baseUrl, models, sources }, server, how, notes, unchosen };
}

/** Whether two choices would build the same client. */
export function sameClient(a: ModelConfig, b: ModelConfig): boolean {
  const key = (c: ModelConfig) => JSON.stringify({ baseUrl: c.baseUrl, models: c.models, modelPath: c.modelPath, roles: c.roles, server: c.server, embed: c.embeddingModel, apiKey: c.apiKey, embedded: c.embedded });
  return key(a) === key(b);
}
