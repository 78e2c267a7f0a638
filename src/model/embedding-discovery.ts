/**
 * Whether an OpenAI-compatible server offers an embedding model, asked in each server's own terms
 * where it has them, never guessed from model names:
 * - Ollama: `GET /api/tags`, then `POST /api/show` per model: `capabilities` has "embedding".
 * - LM Studio: `GET /api/v0/models` entries of `type: "embeddings"` (a loaded one first).
 * - llama-server, vLLM and others: `GET /v1/models`, then one tiny `POST /v1/embeddings` per
 *   listed model; a vector means yes. llama-server answers 501 without `--embeddings`, and 400
 *   when the model's pooling is `none` (a chat model needs `--pooling mean`). A server listing
 *   more models than we would probe is not probed at all.
 */
import { isObject, probe, serverRoot, type DetectOptions, type ProbeResult, type ServerDialect } from './server-dialect.js';

export type EmbeddingFinding =
  | { kind: 'found'; model: string }
  /** The server answered, and has none. */
  | { kind: 'none' }
  /** The server did not answer (down, or still loading): nothing learned. */
  | { kind: 'unreachable' };

/** Probing costs one small embedding each; more models than this and the server is not probed. */
const MAX_PROBES = 2;
/** Ollama: `/api/show` is asked for at most this many of the installed models. */
const MAX_SHOWN = 32;

export async function findEmbeddingModel(baseUrl: string, dialect: ServerDialect, options: DetectOptions = {}): Promise<EmbeddingFinding> {
  const base = baseUrl.replace(/\/+$/, '');
  const root = serverRoot(base);
  switch (dialect) {
    case 'ollama':
      return ollamaEmbeddingModel(root, options);
    case 'lmstudio':
      return lmStudioEmbeddingModel(root, options);
    default:
      return probedEmbeddingModel(base, options);
  }
}

async function ollamaEmbeddingModel(root: string, options: DetectOptions): Promise<EmbeddingFinding> {
  const tags = await probe(`${root}/api/tags`, options);
  if (!answered(tags)) return { kind: 'unreachable' };
  const models = isObject(tags.body) && Array.isArray(tags.body.models) ? tags.body.models : [];
  const names = models.flatMap((m) => (isObject(m) && typeof m.name === 'string' ? [m.name] : [])).slice(0, MAX_SHOWN);
  // Asked all at once (each is a small local read), so that health, which waits for this, stays quick.
  const shown = await Promise.all(names.map((name) => probe(`${root}/api/show`, options, { model: name })));
  if (!shown.every(answered)) return { kind: 'unreachable' };
  const found = names.find((_, i) => {
    const body = shown[i]!.status === 200 ? shown[i]!.body : null;
    return isObject(body) && Array.isArray(body.capabilities) && body.capabilities.includes('embedding');
  });
  if (found) return { kind: 'found', model: found };
  return { kind: 'none' };
}

async function lmStudioEmbeddingModel(root: string, options: DetectOptions): Promise<EmbeddingFinding> {
  const listed = await probe(`${root}/api/v0/models`, options);
  if (!answered(listed)) return { kind: 'unreachable' };
  const entries = isObject(listed.body) && Array.isArray(listed.body.data) ? listed.body.data.filter(isObject) : [];
  const embedders = entries.filter((e) => e.type === 'embeddings' && typeof e.id === 'string');
  // A loaded model answers at once; another would first be loaded, which can take longer than an embed may.
  const chosen = embedders.find((e) => e.state === 'loaded') ?? embedders[0];
  return chosen ? { kind: 'found', model: chosen.id as string } : { kind: 'none' };
}

async function probedEmbeddingModel(base: string, options: DetectOptions): Promise<EmbeddingFinding> {
  const listed = await probe(`${base}/models`, options);
  if (!answered(listed)) return { kind: 'unreachable' };
  const data = isObject(listed.body) && Array.isArray(listed.body.data) ? listed.body.data : [];
  // A router (llama-server --models-dir) loads a model to answer for it: only those already loaded are asked.
  const unloaded = (m: Record<string, unknown>) => isObject(m.status) && typeof m.status.value === 'string' && m.status.value !== 'loaded';
  const ids = data.flatMap((m) => (isObject(m) && typeof m.id === 'string' && !unloaded(m) ? [m.id] : []));
  if (!ids.length || ids.length > MAX_PROBES) return { kind: 'none' };
  for (const id of ids) {
    const reply = await probe(`${base}/embeddings`, options, { model: id, input: ['duck'], encoding_format: 'float' });
    if (!answered(reply)) return { kind: 'unreachable' };
    if (reply.status === 200 && hasVector(reply.body)) return { kind: 'found', model: id };
  }
  return { kind: 'none' };
}

/** An answer that says something: not silence, and not llama-server's 503 while it loads the model. */
function answered(result: ProbeResult | null): result is ProbeResult {
  return result !== null && result.status !== 503;
}

function hasVector(body: unknown): boolean {
  if (!isObject(body) || !Array.isArray(body.data)) return false;
  const first = body.data[0];
  return isObject(first) && Array.isArray(first.embedding) && first.embedding.length > 0 && first.embedding.every((x) => typeof x === 'number');
}
