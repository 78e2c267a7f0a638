import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { DucklmError, ModelRequestError, ModelUnavailableError } from '../errors.js';
import type { ChatMessage, ChatOptions, ModelClient, ModelHealth, ModelResponse, StreamChunk, TokenUsage } from './model-client.js';
import type { Role } from './roles.js';

export interface OpenAICompatibleClientOptions {
  /** The server's OpenAI base URL, ending in /v1. */
  baseUrl: string;
  models: Record<Role, string>;
  apiKey?: string;
  /** Per-request time limit until the server starts answering (SDK default: 10 minutes). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Request fields local servers understand that the OpenAI types do not declare. */
interface LocalServerParams {
  chat_template_kwargs?: { enable_thinking: boolean };
}

const HEALTH_TIMEOUT_MS = 2_000;
const START_SERVER_HINT = 'Start your model server (llama-server, Ollama, vLLM, LM Studio) or set DUCK_MODEL_BASE_URL to its /v1 URL.';

/** How a reasoning toggle reaches the server; one place so other server dialects can be added. */
export function reasoningParams(reasoning: ChatOptions['reasoning']): LocalServerParams {
  return reasoning === 'off' ? { chat_template_kwargs: { enable_thinking: false } } : {};
}

/** A model backend speaking the OpenAI chat-completions API: llama-server, Ollama, vLLM, LM Studio. */
export class OpenAICompatibleClient implements ModelClient {
  private readonly client: OpenAI;
  private readonly baseUrl: string;
  private readonly apiKey: string;

  constructor(private readonly options: OpenAICompatibleClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey ?? 'sk-no-key-required';
    // Retries stay with the caller: re-sending a slow local generation only doubles the wait.
    this.client = new OpenAI({
      baseURL: this.baseUrl,
      apiKey: this.apiKey,
      maxRetries: 0,
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async chat(role: Role, messages: ChatMessage[], options: ChatOptions = {}): Promise<ModelResponse> {
    const model = this.options.models[role];
    const body: ChatCompletionCreateParamsNonStreaming & LocalServerParams = { ...this.params(model, messages, options), stream: false };
    const started = performance.now();
    try {
      const completion = await this.client.chat.completions.create(body, this.requestOptions(options.signal));
      const message = completion.choices[0]?.message;
      if (!message) throw new ModelRequestError(`The model server at ${this.baseUrl} returned no choices for model "${model}".`, null);
      return {
        role,
        model,
        content: message.content ?? '',
        reasoningContent: reasoningOf(message),
        usage: usageOf(completion.usage),
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      throw this.toModelError(error, model, options.signal);
    }
  }

  async *streamChat(role: Role, messages: ChatMessage[], options: ChatOptions = {}): AsyncGenerator<StreamChunk> {
    const model = this.options.models[role];
    const body: ChatCompletionCreateParamsStreaming & LocalServerParams = {
      ...this.params(model, messages, options),
      stream: true,
      stream_options: { include_usage: true },
    };
    let usage: TokenUsage | null = null;
    try {
      const stream = await this.client.chat.completions.create(body, this.requestOptions(options.signal));
      for await (const chunk of stream) {
        if (chunk.usage) usage = usageOf(chunk.usage);
        const delta = chunk.choices[0]?.delta;
        if (!delta) continue;
        const reasoning = reasoningOf(delta);
        if (reasoning) yield { type: 'reasoning_delta', delta: reasoning };
        if (delta.content) yield { type: 'content_delta', delta: delta.content };
      }
    } catch (error) {
      throw this.toModelError(error, model, options.signal);
    }
    // The SDK ends an aborted stream quietly; the caller must still learn it was cut short.
    if (options.signal?.aborted) throw abortReason(options.signal);
    if (usage) yield { type: 'usage', usage };
  }

  async health(signal?: AbortSignal): Promise<ModelHealth> {
    try {
      const page = await this.client.models.list({ timeout: HEALTH_TIMEOUT_MS, ...(signal ? { signal } : {}) });
      const ids = page.data.map((m) => m.id);
      const detail = ids.length ? `${ids.length} model(s) available: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}` : 'reachable, no models listed';
      return { configured: true, reachable: true, baseUrl: this.baseUrl, detail };
    } catch (error) {
      const mapped = this.toModelError(error, null, signal);
      if (!(mapped instanceof DucklmError)) throw mapped;
      return { configured: true, reachable: false, baseUrl: this.baseUrl, detail: mapped.message };
    }
  }

  private params(model: string, messages: ChatMessage[], options: ChatOptions) {
    return {
      model,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.maxOutputTokens !== undefined ? { max_tokens: options.maxOutputTokens } : {}),
      ...(options.responseFormat
        ? {
            response_format: {
              type: 'json_schema' as const,
              json_schema: { name: options.responseFormat.name, schema: options.responseFormat.schema, strict: true },
            },
          }
        : {}),
      ...reasoningParams(options.reasoning),
    };
  }

  private requestOptions(signal: AbortSignal | undefined) {
    return { maxRetries: 0, ...(signal ? { signal } : {}) };
  }

  /** A ModelError for anything the server or network did; the abort reason when the caller aborted. */
  private toModelError(error: unknown, model: string | null, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return abortReason(signal);
    if (error instanceof DucklmError) return error;
    if (error instanceof APIUserAbortError) return new DOMException('The model request was aborted.', 'AbortError');
    const url = this.baseUrl;
    if (error instanceof APIConnectionTimeoutError) {
      const ms = this.options.timeoutMs;
      const limit = ms === undefined ? ' in time' : ms < 1000 ? ` within ${ms} ms` : ` within ${Math.round(ms / 1000)} s`;
      return new ModelUnavailableError(`The model server at ${url} did not answer${limit}. Check that it is running and not overloaded.`, url, { cause: error });
    }
    if (error instanceof APIConnectionError) {
      return new ModelUnavailableError(`Cannot reach the model server at ${url} (${connectionReason(error)}). ${START_SERVER_HINT}`, url, { cause: error });
    }
    if (error instanceof APIError && error.status === 503) {
      return new ModelUnavailableError(`The model server at ${url} is still loading the model (HTTP 503), try again in a moment.`, url, { cause: error });
    }
    const about = model ? ` for model "${model}"` : '';
    if (error instanceof APIError) {
      const status = typeof error.status === 'number' ? error.status : null;
      const what = status !== null ? `answered HTTP ${status}` : 'reported an error';
      return new ModelRequestError(`The model server at ${url} ${what}${about}: ${this.short(serverMessage(error))}`, status, { cause: error });
    }
    const code = errorCode(error);
    if (code && NETWORK_CODES.has(code)) {
      return new ModelUnavailableError(`Lost the connection to the model server at ${url} mid-reply (${code}). ${START_SERVER_HINT}`, url, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ModelRequestError(`The model server at ${url} sent a reply we cannot use${about}: ${this.short(message)}`, null, { cause: error });
  }

  /** Trimmed and with the API key masked, since servers sometimes echo it back. */
  private short(message: string): string {
    const masked = this.apiKey ? message.split(this.apiKey).join('***') : message;
    const oneLine = masked.replace(/\s+/g, ' ').trim();
    return oneLine.length > 300 ? `${oneLine.slice(0, 300)}...` : oneLine || 'no details';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET']);

const CONNECTION_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function connectionReason(error: APIConnectionError): string {
  const code = errorCode(error);
  if (code) return CONNECTION_REASONS[code] ?? code;
  return 'fetch failed';
}

/** The first `code` along an error's cause chain (undici nests it two or three levels deep). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const { code } = current as Error & { code?: unknown };
    if (typeof code === 'string') return code;
    if (current instanceof AggregateError && current.errors[0] instanceof Error) current = current.errors[0];
    else current = current.cause;
  }
  return undefined;
}

function serverMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : error.message;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The model request was aborted.', 'AbortError');
}

/** `reasoning_content` (llama-server, vLLM) or `reasoning` (Ollama, LM Studio): both are outside the OpenAI types. */
function reasoningOf(message: object): string | null {
  const fields = message as { reasoning_content?: unknown; reasoning?: unknown };
  if (typeof fields.reasoning_content === 'string' && fields.reasoning_content) return fields.reasoning_content;
  if (typeof fields.reasoning === 'string' && fields.reasoning) return fields.reasoning;
  return null;
}

function usageOf(usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): TokenUsage {
  const result: TokenUsage = {};
  if (typeof usage?.prompt_tokens === 'number') result.promptTokens = usage.prompt_tokens;
  if (typeof usage?.completion_tokens === 'number') result.completionTokens = usage.completion_tokens;
  return result;
}
