/**
 * Turns whatever the SDK, the network or the server threw into a ModelError that says what
 * happened and what to do about it.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { DucklmError, ModelRequestError, ModelUnavailableError } from '../errors.js';
import { errorText } from './chat-request.js';

export const START_SERVER_HINT = 'Start your model server (llama-server, Ollama, vLLM, LM Studio) or set DUCK_MODEL_BASE_URL to its /v1 URL.';

export interface ErrorContext {
  baseUrl: string;
  model: string | null;
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  apiKey: string;
}

/** A ModelError for anything the server or network did; the abort reason when the caller aborted. */
export function toModelError(error: unknown, ctx: ErrorContext): unknown {
  if (ctx.signal?.aborted) return abortReason(ctx.signal);
  if (error instanceof DucklmError) return error;
  if (error instanceof APIUserAbortError) return new DOMException('The model request was aborted.', 'AbortError');
  const url = ctx.baseUrl;
  const short = (message: string) => shorten(message, ctx.apiKey);
  if (error instanceof APIConnectionTimeoutError) {
    const ms = ctx.timeoutMs;
    const limit = ms === undefined ? ' in time' : ms < 1000 ? ` within ${ms} ms` : ` within ${Math.round(ms / 1000)} s`;
    return new ModelUnavailableError(`The model server at ${url} did not answer${limit}. Check that it is running and not overloaded.`, url, { cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new ModelUnavailableError(`Cannot reach the model server at ${url} (${connectionReason(error)}). ${START_SERVER_HINT}`, url, { cause: error });
  }
  if (error instanceof APIError && error.status === 503) {
    // llama-server answers `{"error":{"code":503,"message":"Loading model"}}` until the model is in memory.
    const text = errorText(error);
    const what = /load/i.test(text) ? 'is still loading the model (HTTP 503)' : `is busy (HTTP 503: ${short(text)})`;
    return new ModelUnavailableError(`The model server at ${url} ${what}, try again in a moment.`, url, { cause: error });
  }
  const about = ctx.model ? ` for model "${ctx.model}"` : '';
  if (error instanceof APIError) {
    const status = typeof error.status === 'number' ? error.status : null;
    const what = status !== null ? `answered HTTP ${status}` : 'reported an error';
    const hint = status === 404 && ctx.model ? ` Check that the server has a model named "${ctx.model}" (DUCK_MODEL, or the config file).` : '';
    return new ModelRequestError(`The model server at ${url} ${what}${about}: ${short(errorText(error))}${hint}`, status, { cause: error });
  }
  const code = errorCode(error);
  if (code && NETWORK_CODES.has(code)) {
    return new ModelUnavailableError(`Lost the connection to the model server at ${url} mid-reply (${code}). ${START_SERVER_HINT}`, url, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelRequestError(`The model server at ${url} sent a reply we cannot use${about}: ${short(message)}`, null, { cause: error });
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The model request was aborted.', 'AbortError');
}

/**
 * Wraps the SDK's fetch so that every error body reads `{"error": {"message": ...}}`. The SDK
 * only looks there; vLLM before 0.10.1 sends `{"object":"error","message":...}`, LM Studio and
 * Ollama's native routes `{"error":"..."}`, FastAPI validation `{"detail":[...]}`, and without this
 * the server's explanation would be lost.
 */
export function normalizingFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.ok) return response;
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text.trim() ? { error: { message: text.trim() } } : null;
    }
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    headers.set('content-type', 'application/json');
    const normalized = body === null ? '' : JSON.stringify(normalizeErrorBody(body));
    return new Response(normalized, { status: response.status, statusText: response.statusText, headers });
  };
}

function normalizeErrorBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return { error: { message: String(body) } };
  const b = body as { error?: unknown; message?: unknown; detail?: unknown; type?: unknown; code?: unknown };
  if (typeof b.error === 'object' && b.error !== null) return body;
  if (typeof b.error === 'string') return { error: { message: b.error } };
  if (typeof b.message === 'string') return { error: { message: b.message, type: b.type, code: b.code } };
  if (typeof b.detail === 'string') return { error: { message: b.detail } };
  if (Array.isArray(b.detail)) {
    const parts = b.detail.map((d: { loc?: unknown; msg?: unknown }) => `${Array.isArray(d?.loc) ? d.loc.join('.') : ''}: ${String(d?.msg ?? '')}`);
    return { error: { message: parts.join('; ') } };
  }
  return body;
}

/** Trimmed and with the API key masked, since servers sometimes echo it back. */
function shorten(message: string, apiKey: string): string {
  const masked = apiKey ? message.split(apiKey).join('***') : message;
  const oneLine = masked.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}...` : oneLine || 'no details';
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
