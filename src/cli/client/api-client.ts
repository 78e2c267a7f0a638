import { CliError } from '../cli-error.js';
import { taskFrames, type TaskFrame } from './sse.js';

/** An `{error: {code, message, details?}}` answer of the API. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** What a client can act on, as the server sent it (e.g. the tasks that keep a conversation busy). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Nothing answered at the address (refused, unknown host, timed out). */
export class ServerUnreachableError extends CliError {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Cannot reach ducklm at ${url} (${reason}). Is \`ducklm serve\` running there?`);
  }
}

/** Sent on every request: the server records it as `via` in decision and cancel events. */
export const CLIENT_HEADERS = { 'x-ducklm-client': 'terminal' } as const;

export const UNAUTHORIZED_HINT = 'The server refused the API token. `ducklm token` prints the one this machine uses; pass it with --token or DUCK_API_TOKEN.';

/** A thin client of the ducklm HTTP API: bearer token, JSON in and out, SSE as task events. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const search = params.size ? `?${params}` : '';
    return this.json<T>('GET', `${path}${search}`);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  /** POSTs a new thing: `created` is false when the server answered with an existing one (200, not 201). */
  async create<T>(path: string, body: unknown): Promise<{ created: boolean; value: T }> {
    const response = await this.send('POST', path, body);
    return { created: response.status === 201, value: (await response.json()) as T };
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PUT', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PATCH', path, body);
  }

  delete(path: string): Promise<void> {
    return this.json<void>('DELETE', path);
  }

  /**
   * Opens an SSE answer (a POST that starts or resumes a task, or a GET that follows one) and yields
   * its frames until the server ends the stream, or `signal` aborts it. `onActivity`: see taskFrames.
   */
  async *frames(request: { method: 'GET' | 'POST'; path: string; body?: unknown; headers?: Record<string, string> }, signal: AbortSignal, onActivity?: () => void): AsyncGenerator<TaskFrame> {
    const response = await this.send(request.method, request.path, request.body, signal, request.headers);
    if (!response.headers.get('content-type')?.startsWith('text/event-stream') || !response.body) {
      throw new ApiError(`Expected an event stream from ${request.path}, got ${response.headers.get('content-type') ?? 'nothing'}.`, response.status, 'bad_response');
    }
    yield* taskFrames(response.body, onActivity);
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async send(method: string, path: string, body: unknown, signal?: AbortSignal, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { ...extraHeaders, ...CLIENT_HEADERS, authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ServerUnreachableError(this.baseUrl, networkReason(error));
    }
    if (!response.ok) throw await apiError(response);
    return response;
  }
}

async function apiError(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `The server answered ${response.status} ${response.statusText}.`;
  let details: unknown;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
    details = body.error?.details;
  } catch {
    // Not our JSON: keep the status line.
  }
  if (response.status === 401) message = UNAUTHORIZED_HINT;
  return new ApiError(message, response.status, code, details);
}

/** A short, human reason for a failed connection: "connection refused", "host not found", ... */
export function networkReason(error: unknown): string {
  const code = networkCode(error);
  return code ? describeNetworkCode(code) : error instanceof Error ? error.message : String(error);
}

export function describeNetworkCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'TimeoutError':
      return 'no answer in time';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was dropped';
    default:
      return code;
  }
}

/** The system error code behind fetch's "fetch failed", looking through causes and AggregateErrors (localhost is two addresses). */
export function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof AggregateError && e.errors.length) e = e.errors[0];
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (e instanceof Error && e.name === 'TimeoutError') return 'TimeoutError';
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
