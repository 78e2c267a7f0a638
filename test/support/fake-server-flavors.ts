/**
 * The wire details each OpenAI-compatible server adds, as the fake server reproduces them:
 * the native endpoints `auto` detection probes, the reasoning field, how thinking is turned off,
 * and the error a server gives when it cannot use a JSON schema.
 */

export type FakeFlavor = 'llamacpp' | 'ollama' | 'vllm' | 'lmstudio' | 'openai';

export interface FlavorWire {
  reasoningField: 'reasoning_content' | 'reasoning';
  /** `owned_by` of the entries in `GET /v1/models`. */
  ownedBy: string;
  /** Native GET routes (paths from the server root) and their JSON answers. */
  routes: Record<string, unknown>;
  /** Whether a request asks the model not to think, in this server's own terms. */
  thinkingOff(body: Record<string, unknown>): boolean;
  /** llama-server puts `timings` on non-streamed replies and on the last chunk of a stream. */
  timings: boolean;
  /** Whether `usage` carries `prompt_tokens_details.cached_tokens` (vLLM only with --enable-prompt-tokens-details). */
  promptTokensDetails: boolean;
  /** The server's answer to a `response_format` it cannot use. */
  schemaRejection: { status: number; body: unknown };
}

const templateKwargsOff = (body: Record<string, unknown>) => (body.chat_template_kwargs as { enable_thinking?: unknown } | undefined)?.enable_thinking === false;
const effortNone = (body: Record<string, unknown>) => body.reasoning_effort === 'none';
/** Ollama's /v1 reads `reasoning.effort` before `reasoning_effort`; `think` is not one of its fields. */
const ollamaEffortNone = (body: Record<string, unknown>) => {
  const reasoning = body.reasoning as { effort?: unknown } | undefined;
  return reasoning?.effort !== undefined ? reasoning.effort === 'none' : effortNone(body);
};

export const FLAVORS: Record<FakeFlavor, FlavorWire> = {
  llamacpp: {
    reasoningField: 'reasoning_content',
    ownedBy: 'llamacpp',
    routes: {
      '/props': {
        default_generation_settings: { n_ctx: 8192, params: { temperature: 0.8, top_k: 40, top_p: 0.95 } },
        total_slots: 1,
        model_path: '/models/Qwen3-8B-Q4_K_M.gguf',
        chat_template: '{%- for message in messages %}...{%- endfor %}',
        build_info: 'b6710-74b8fc17f',
      },
      '/health': { status: 'ok' },
    },
    thinkingOff: (body) => templateKwargsOff(body) || effortNone(body),
    timings: true,
    promptTokensDetails: true,
    schemaRejection: {
      status: 400,
      body: { error: { code: 400, message: 'JSON schema conversion failed:\nUnrecognized schema: {"format":"duck"}', type: 'invalid_request_error' } },
    },
  },
  ollama: {
    reasoningField: 'reasoning',
    ownedBy: 'library',
    routes: { '/api/version': { version: '0.12.6' }, '/api/tags': { models: [] } },
    thinkingOff: ollamaEffortNone,
    timings: false,
    promptTokensDetails: false,
    schemaRejection: { status: 400, body: { error: { message: 'invalid JSON schema in format', type: 'invalid_request_error', param: null, code: null } } },
  },
  vllm: {
    reasoningField: 'reasoning',
    ownedBy: 'vllm',
    routes: { '/version': { version: '0.11.0' }, '/health': {} },
    thinkingOff: templateKwargsOff,
    timings: false,
    promptTokensDetails: false,
    // The pre-0.10.1 error shape: the message is not under `error`.
    schemaRejection: {
      status: 400,
      body: { object: 'error', message: 'The provided JSON schema contains features not supported by xgrammar.', type: 'BadRequestError', param: null, code: 400 },
    },
  },
  lmstudio: {
    reasoningField: 'reasoning_content',
    ownedBy: 'organization_owner',
    routes: {
      '/api/v0/models': {
        object: 'list',
        data: [{ id: 'qwen3-8b', object: 'model', type: 'llm', publisher: 'qwen', arch: 'qwen3', compatibility_type: 'gguf', quantization: 'Q4_K_M', state: 'loaded', max_context_length: 32768 }],
      },
    },
    thinkingOff: effortNone,
    timings: false,
    promptTokensDetails: false,
    schemaRejection: { status: 400, body: { error: "Invalid 'response_format': structured output is not supported for this model" } },
  },
  openai: {
    reasoningField: 'reasoning_content',
    ownedBy: 'fake',
    routes: {},
    thinkingOff: templateKwargsOff,
    timings: false,
    promptTokensDetails: true,
    schemaRejection: {
      status: 400,
      body: { error: { message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", type: 'invalid_request_error', param: 'response_format', code: null } },
    },
  },
};

/** llama-server's answer to everything but `/health` while it loads the model. */
export const LOADING_BODY = { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } };

/** What the OpenAI API says about a request field it does not know. */
export function unknownFieldRejection(field: string): { status: number; body: unknown } {
  return { status: 400, body: { error: { message: `Unrecognized request argument supplied: ${field}`, type: 'invalid_request_error', param: null, code: null } } };
}

/** Ollama 0.11.5 to 0.12.3 passed `reasoning_effort` on as a think level, which only gpt-oss had. */
export const EFFORT_NONE_REJECTION = {
  status: 400,
  body: { error: { message: 'think value "none" is not supported for this model', type: 'invalid_request_error', param: null, code: null } },
};

/** llama-server's answer to a `response_format` with a template that opens `<think>` and `--reasoning-format none`. */
export const SAMPLERS_REJECTION = { status: 400, body: { error: { code: 400, message: 'Failed to initialize samplers: std::exception', type: 'invalid_request_error' } } };

/** llama-server's `timings`, with a fixed speed so that tests can check it; `prompt_n` leaves out the cached tokens. */
export function llamaTimings(promptTokens: number, predicted: number, cached = 0) {
  const perSecond = 42.5;
  return {
    cache_n: cached,
    prompt_n: promptTokens - cached,
    prompt_ms: 12.5,
    prompt_per_token_ms: promptTokens ? 12.5 / promptTokens : 0,
    prompt_per_second: promptTokens ? (promptTokens / 12.5) * 1000 : 0,
    predicted_n: predicted,
    predicted_ms: (predicted / perSecond) * 1000,
    predicted_per_token_ms: 1000 / perSecond,
    predicted_per_second: perSecond,
  };
}

/**
 * A server's answer to `/v1/embeddings` for a model that cannot embed: llama-server without
 * `--embeddings` (its real 501, seen on the build in ../shared/llama-server), the others a 400.
 */
export function embeddingRefusal(flavor: FakeFlavor): { status: number; body: unknown } {
  if (flavor === 'llamacpp') return { status: 501, body: { error: { code: 501, message: 'This server does not support embeddings. Start it with `--embeddings`', type: 'not_supported_error' } } };
  if (flavor === 'ollama') return { status: 400, body: { error: { message: '"fake-model" does not support embeddings', type: 'api_error', param: null, code: null } } };
  return { status: 400, body: { error: { message: 'The model does not support Embeddings API', type: 'BadRequestError', param: null, code: 400 } } };
}
