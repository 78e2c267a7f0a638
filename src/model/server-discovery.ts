/**
 * Finding the model servers on this machine and what they offer, asked where they usually
 * listen (and wherever the configuration points), each in its own terms: `/v1/models` for all,
 * Ollama's `/api/tags` and LM Studio's `/api/v0/models` for what kind each model is, llama-server's
 * router mode for which are loaded. Nothing here is guessed from model names.
 */
import { DIALECT_LABELS, detectServer, isObject, probe, serverRoot, type DetectOptions, type ServerDialect } from './server-dialect.js';

/** Where local servers listen unless told otherwise: llama-server, Ollama, LM Studio, vLLM. */
export const USUAL_SERVER_URLS = ['http://127.0.0.1:8080/v1', 'http://127.0.0.1:11434/v1', 'http://127.0.0.1:1234/v1', 'http://127.0.0.1:8000/v1'] as const;

export type ModelKind = 'chat' | 'embedding';

export interface ListedModel {
  id: string;
  /** What the server says the model is for; absent when it does not say. */
  kind?: ModelKind;
  /** Whether it is in memory now, where the server says (LM Studio, llama-server's router mode). */
  loaded?: boolean;
}

export interface FoundServer {
  /** The OpenAI base URL to use, ending in /v1. */
  baseUrl: string;
  /** The URL as configured, when it had to be corrected (a missing /v1). */
  configuredAs?: string;
  dialect: ServerDialect;
  /** "llama.cpp (llama-server)", "Ollama", …; for a server that did not answer, "not running". */
  label: string;
  reachable: boolean;
  /** Up, but still loading its model (llama-server's 503). */
  loading: boolean;
  models: ListedModel[];
}

/** The models a chat can use: those the server says are for chat, or does not say. */
export const chatModels = (server: FoundServer) => server.models.filter((m) => m.kind !== 'embedding');

/** Every URL once, the given ones first, each asked at the same time. */
export async function discoverServers(urls: readonly string[], options: DetectOptions = {}): Promise<FoundServer[]> {
  const unique = [...new Set(urls.map((u) => u.replace(/\/+$/, '')))];
  return Promise.all(unique.map((url) => findServer(url, options)));
}

/**
 * One server: where its OpenAI API is (a URL without `/v1` is tried with it first), what kind it
 * is and what it offers. A server that does not answer is reported as such, not thrown.
 */
export async function findServer(url: string, options: DetectOptions = {}): Promise<FoundServer> {
  const given = url.replace(/\/+$/, '');
  const candidates = /\/v1$/.test(given) ? [given] : [`${given}/v1`, given];
  let listing: Awaited<ReturnType<typeof probe>> = null;
  let baseUrl = candidates[0]!;
  for (const candidate of candidates) {
    listing = await probe(`${candidate}/models`, options);
    baseUrl = candidate;
    if (listing && (listing.status === 200 || listing.status === 503)) break;
  }
  const corrected = baseUrl !== given ? { configuredAs: given } : {};
  if (!listing) return { baseUrl: candidates[0]!, dialect: 'openai', label: 'not running', reachable: false, loading: false, models: [] };
  const { dialect } = await detectServer(baseUrl, options);
  const loading = listing.status === 503;
  const models = listing.status === 200 ? modelsOf(listing.body) : [];
  const kinds = await nativeKinds(serverRoot(baseUrl), dialect, options);
  for (const m of models) Object.assign(m, kinds.get(m.id) ?? {});
  return { baseUrl, ...corrected, dialect, label: DIALECT_LABELS[dialect], reachable: true, loading, models };
}

/** `/v1/models` entries; llama-server's router mode adds a `status` per model. */
function modelsOf(body: unknown): ListedModel[] {
  if (!isObject(body) || !Array.isArray(body.data)) return [];
  return body.data.flatMap((entry) => {
    if (!isObject(entry) || typeof entry.id !== 'string') return [];
    const status = isObject(entry.status) ? entry.status.value : entry.status;
    return [{ id: entry.id, ...(typeof status === 'string' ? { loaded: status === 'loaded' } : {}) }];
  });
}

/** Ollama models' kinds by server root and name, as `/api/show` said. */
const OLLAMA_KINDS = new Map<string, ModelKind>();

/** What kind each model is, where the server's own API says. */
async function nativeKinds(root: string, dialect: ServerDialect, options: DetectOptions): Promise<Map<string, Partial<ListedModel>>> {
  const kinds = new Map<string, Partial<ListedModel>>();
  if (dialect === 'lmstudio') {
    const listed = await probe(`${root}/api/v0/models`, options);
    const data = isObject(listed?.body) && Array.isArray(listed.body.data) ? listed.body.data : [];
    for (const e of data) {
      if (!isObject(e) || typeof e.id !== 'string') continue;
      kinds.set(e.id, { kind: e.type === 'embeddings' ? 'embedding' : 'chat', ...(typeof e.state === 'string' ? { loaded: e.state === 'loaded' } : {}) });
    }
  }
  if (dialect === 'ollama') {
    const tags = await probe(`${root}/api/tags`, options);
    const models = isObject(tags?.body) && Array.isArray(tags.body.models) ? tags.body.models : [];
    const names = models.flatMap((m) => (isObject(m) && typeof m.name === 'string' ? [m.name] : [])).slice(0, 32);
    // A model's capabilities do not change: each is asked once, not at every look (a watched status looks every few seconds).
    const unknown = names.filter((name) => !OLLAMA_KINDS.has(`${root} ${name}`));
    const shown = await Promise.all(unknown.map((name) => probe(`${root}/api/show`, options, { model: name })));
    unknown.forEach((name, i) => {
      const body = shown[i]?.status === 200 ? shown[i]!.body : null;
      const capabilities = isObject(body) && Array.isArray(body.capabilities) ? body.capabilities : null;
      if (capabilities) OLLAMA_KINDS.set(`${root} ${name}`, capabilities.includes('completion') ? 'chat' : capabilities.includes('embedding') ? 'embedding' : 'chat');
    });
    for (const name of names) {
      const kind = OLLAMA_KINDS.get(`${root} ${name}`);
      if (kind) kinds.set(name, { kind });
    }
  }
  return kinds;
}
