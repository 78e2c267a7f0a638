/**
 * What differs between the OpenAI-compatible servers ducklm talks to, and how to tell them apart.
 * Everything else about the wire format is shared and lives in the client.
 */

export const SERVER_DIALECTS = ['llamacpp', 'ollama', 'vllm', 'lmstudio', 'openai'] as const;
export type ServerDialect = (typeof SERVER_DIALECTS)[number];
/** `DUCK_MODEL_SERVER`: a dialect, or `auto` to ask the server. */
export const SERVER_SETTINGS = ['auto', ...SERVER_DIALECTS] as const;
export type ServerSetting = (typeof SERVER_SETTINGS)[number];

export const DIALECT_LABELS: Record<ServerDialect, string> = {
  llamacpp: 'llama.cpp (llama-server)',
  ollama: 'Ollama',
  vllm: 'vLLM',
  lmstudio: 'LM Studio',
  openai: 'OpenAI-compatible server',
};

/**
 * The request fields that ask a reasoning model not to think, per server. Servers ignore fields
 * they do not know, except strict ones (the OpenAI API itself): the client drops a field a server
 * rejects and remembers that (see chat-request.ts).
 * - llama.cpp: `chat_template_kwargs.enable_thinking` reaches the Jinja template on every build
 *   that has `--jinja`; newer builds (llama.cpp PR #26045) also accept `reasoning_effort: "none"`.
 * - vLLM: only `chat_template_kwargs` (its `reasoning_effort` takes low/medium/high for gpt-oss).
 * - Ollama /v1: `reasoning_effort: "none"` (or `reasoning: {effort: "none"}`) becomes its native
 *   `think: false` (ollama openai/openai.go, FromChatRequest; "none" since v0.12.4). Its /v1
 *   request has no `think` or `chat_template_kwargs` field: both are silently ignored there.
 * - LM Studio: `reasoning_effort: "none"`; it ignores template kwargs.
 * - Anything else: `chat_template_kwargs`, which SGLang, LocalAI and mlx servers understand.
 */
export function reasoningOffFields(dialect: ServerDialect): { chat_template_kwargs?: { enable_thinking: false }; reasoning_effort?: 'none' } {
  switch (dialect) {
    case 'llamacpp':
      return { chat_template_kwargs: { enable_thinking: false }, reasoning_effort: 'none' };
    case 'ollama':
    case 'lmstudio':
      return { reasoning_effort: 'none' };
    case 'vllm':
    case 'openai':
      return { chat_template_kwargs: { enable_thinking: false } };
  }
}

export interface DetectOptions {
  fetch?: typeof fetch;
  apiKey?: string;
  /** Per probe; the probes run at the same time. */
  timeoutMs?: number;
}

export interface Detection {
  dialect: ServerDialect;
  /** False when no probe got any answer: the server is down, so the guess is worth nothing. */
  reachable: boolean;
}

export interface ProbeResult {
  status: number;
  body: unknown;
}

/**
 * Asks the server what it is, from endpoints only one kind of server serves:
 * llama-server `GET /props` (with `default_generation_settings`/`build_info`, or its 503 while
 * loading), Ollama `GET /api/version`, vLLM `GET /version` or `owned_by: "vllm"` in `/v1/models`,
 * LM Studio `owned_by: "organization_owner"` or `GET /api/v0/models`.
 */
export async function detectServer(baseUrl: string, options: DetectOptions = {}): Promise<Detection> {
  const base = baseUrl.replace(/\/+$/, '');
  const root = serverRoot(base);
  const get = (url: string) => probe(url, options);
  const [props, ollama, vllm, models, lmstudio] = await Promise.all([
    get(`${root}/props`),
    get(`${root}/api/version`),
    get(`${root}/version`),
    get(`${base}/models`),
    get(`${root}/api/v0/models`),
  ]);
  const reachable = [props, ollama, vllm, models, lmstudio].some((r) => r !== null);
  const owners = ownersOf(models);
  const dialect: ServerDialect =
    isLlamaProps(props) || owners.has('llamacpp')
      ? 'llamacpp'
      : owners.has('vllm')
        ? 'vllm'
        : owners.has('organization_owner')
          ? 'lmstudio'
          : hasVersion(ollama)
            ? 'ollama'
            : hasVersion(vllm)
              ? 'vllm'
              : isModelList(lmstudio)
                ? 'lmstudio'
                : 'openai';
  return { dialect, reachable };
}

/** The server's root: the base URL without its `/v1`, where the native endpoints live. */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** One request to the server: its status and JSON body (null when not JSON), or null when nothing answered. */
export async function probe(url: string, options: DetectOptions, jsonBody?: unknown): Promise<ProbeResult | null> {
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(url, {
      ...(jsonBody !== undefined ? { method: 'POST', body: JSON.stringify(jsonBody) } : {}),
      headers: {
        accept: 'application/json',
        ...(jsonBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: a 404 page, or a plain-text health answer; the status still counts.
    }
    return { status: response.status, body };
  } catch {
    return null;
  }
}

function isLlamaProps(result: ProbeResult | null): boolean {
  if (!result || !isObject(result.body)) return false;
  if (result.status === 200) return 'default_generation_settings' in result.body || 'build_info' in result.body;
  // While it loads the model, llama-server answers everything with this 503.
  const error = result.body.error;
  return result.status === 503 && isObject(error) && error.type === 'unavailable_error';
}

function ownersOf(result: ProbeResult | null): Set<string> {
  const owners = new Set<string>();
  if (result?.status !== 200 || !isObject(result.body) || !Array.isArray(result.body.data)) return owners;
  for (const entry of result.body.data) if (isObject(entry) && typeof entry.owned_by === 'string') owners.add(entry.owned_by);
  return owners;
}

function hasVersion(result: ProbeResult | null): boolean {
  return result?.status === 200 && isObject(result.body) && typeof result.body.version === 'string';
}

function isModelList(result: ProbeResult | null): boolean {
  return result?.status === 200 && isObject(result.body) && Array.isArray(result.body.data);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
