import OpenAI, { APIError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { DucklmError, ModelNotFoundError, ModelRequestError } from '../errors.js';
import { buildChatBody, errorText, refusedField, type ChatBody, type OptionalField, type RoleDefaults } from './chat-request.js';
import { finishReasonOf } from './finish-reason.js';
import { findEmbeddingModel, type EmbeddingFinding } from './embedding-discovery.js';
import { KeptAnswer } from './kept-answer.js';
import type { ChatMessage, ChatOptions, EmbeddingInUse, EmbeddingSource, FinishReason, ModelClient, ModelHealth, ModelResponse, StreamChunk, TokenUsage } from './model-client.js';
import { DEFAULT_MODEL_IDLE_TIMEOUT_MS, idleTimeoutFetch } from './idle-timeout.js';
import { abortReason, normalizingFetch, toModelError } from './model-errors.js';
import { replyFromStream } from './reply-from-stream.js';
import type { Role } from './roles.js';
import { DIALECT_LABELS, detectServer, type ServerDialect, type ServerSetting } from './server-dialect.js';
import { hasStats, mergeStats, statsOf } from './server-stats.js';
import { splitThinkTags, ThinkTagSplitter } from './think-tag-splitter.js';

export interface OpenAICompatibleClientOptions {
  /** The server's OpenAI base URL, ending in /v1. */
  baseUrl: string;
  /**
   * DUCK_MODEL_EMBED: a model the server embeds with at /v1/embeddings, `off`, or `auto` (the
   * default): ask the server whether it has one (see embedding-discovery.ts).
   */
  embeddingModel?: string;
  models: Record<Role, string>;
  apiKey?: string;
  /** Per-request time limit until the server starts answering (SDK default: 10 minutes). */
  timeoutMs?: number;
  /** A streamed reply must start, and then send something, at least this often (default 120 s). */
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Whose quirks to expect; `auto` asks the server on first use. Default: `openai`, the generic dialect. */
  server?: ServerSetting;
  /** Per-role temperature and max tokens, for calls that pass none. */
  roleDefaults?: Partial<Record<Role, RoleDefaults>>;
}

const HEALTH_TIMEOUT_MS = 2_000;
/**
 * Servers known to hold a reply to its `json_schema` with a grammar (llama.cpp, Ollama, vLLM's
 * guided decoding, LM Studio); an unknown one may accept the field and ignore it.
 */
const ENFORCES_SCHEMAS: ReadonlySet<ServerDialect> = new Set(['llamacpp', 'ollama', 'vllm', 'lmstudio']);
/** Each rejected field costs one attempt; there are three droppable fields. */
const MAX_ATTEMPTS = 4;
/**
 * How long what the server said about embeddings is kept: a found model until embedding with it
 * fails (then as long as src/memory/embeddings.ts rests after a failure), a "none" for as long,
 * since a model may be loaded later, and silence briefly, since a server that was down comes back.
 */
const EMBEDDINGS_RECHECK_MS = 10 * 60_000;
const UNREACHABLE_RECHECK_MS = 30_000;
const keepFinding = (finding: EmbeddingFinding) =>
  finding.kind === 'found' ? Infinity : finding.kind === 'none' ? EMBEDDINGS_RECHECK_MS : UNREACHABLE_RECHECK_MS;

/** A model backend speaking the OpenAI chat-completions API: llama-server, Ollama, vLLM, LM Studio. */
export class OpenAICompatibleClient implements ModelClient {
  private readonly client: OpenAI;
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private detection: Promise<ServerDialect> | null = null;
  /** Fields this server refused once; never sent again (see chat-request.ts). */
  private readonly dropped = new Set<OptionalField>();
  /** Models whose chat template opens `<think>` itself, learned from a reply with only `</think>`. */
  private readonly templateOpensThink = new Set<string>();
  private readonly idleTimeoutMs: number;

  /** What the server said about embeddings, when DUCK_MODEL_EMBED leaves it to the server (`auto`). */
  private readonly embeddingLookup: KeptAnswer<EmbeddingFinding> | null;
  /** One source per model, so that embeddings.ts's rest after a failure sticks to it. */
  private readonly embeddingSources = new Map<string, EmbeddingSource>();

  constructor(private readonly options: OpenAICompatibleClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey ?? 'sk-no-key-required';
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_MODEL_IDLE_TIMEOUT_MS;
    this.embeddingLookup = this.embeddingSetting === 'auto' ? new KeptAnswer(() => this.askForEmbeddingModel(), keepFinding) : null;
    // Retries stay with the caller: re-sending a slow local generation only doubles the wait.
    this.client = new OpenAI({
      baseURL: this.baseUrl,
      apiKey: this.apiKey,
      maxRetries: 0,
      fetch: idleTimeoutFetch(normalizingFetch(options.fetch ?? fetch), this.idleTimeoutMs, this.baseUrl),
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    });
  }

  /** The dialect in use: the configured one, or what the server said it is (asked once). */
  serverDialect(signal?: AbortSignal): Promise<ServerDialect> {
    const setting = this.options.server ?? 'openai';
    if (setting !== 'auto') return Promise.resolve(setting);
    this.detection ??= detectServer(this.baseUrl, { ...(this.options.fetch ? { fetch: this.options.fetch } : {}), apiKey: this.apiKey }).then(
      ({ dialect, reachable }) => {
        // A server that is not up yet has told us nothing: ask again next time.
        if (!reachable) this.detection = null;
        return dialect;
      },
      () => {
        this.detection = null;
        return 'openai' as const;
      },
    );
    return untilAborted(this.detection, signal);
  }

  embeddings(): EmbeddingSource | null {
    const setting = this.embeddingSetting;
    if (setting === 'off') return null;
    if (setting !== 'auto') return this.embeddingSource(setting, 'configured');
    const finding = this.embeddingLookup!.current();
    return finding?.kind === 'found' ? this.embeddingSource(finding.model, 'detected') : null;
  }

  /** For health: the embedding model, waiting for the server's answer (up to the caller's signal). */
  private async embeddingInUse(signal?: AbortSignal): Promise<EmbeddingInUse | null> {
    const setting = this.embeddingSetting;
    if (setting === 'off') return null;
    if (setting !== 'auto') return { model: setting, origin: 'configured' };
    const finding = await untilAborted(this.embeddingLookup!.settled(), signal).catch(() => null);
    return finding?.kind === 'found' ? { model: finding.model, origin: 'detected' } : null;
  }

  private get embeddingSetting(): string {
    return this.options.embeddingModel?.trim() || 'auto';
  }

  /** Never rejects: a server that cannot be asked is `unreachable`, and asked again later. */
  private async askForEmbeddingModel(): Promise<EmbeddingFinding> {
    try {
      const dialect = await this.serverDialect();
      return await findEmbeddingModel(this.baseUrl, dialect, { ...(this.options.fetch ? { fetch: this.options.fetch } : {}), apiKey: this.apiKey });
    } catch {
      return { kind: 'unreachable' };
    }
  }

  private embeddingSource(model: string, origin: EmbeddingInUse['origin']): EmbeddingSource {
    let source = this.embeddingSources.get(model);
    if (!source) {
      source = {
        embeddingModel: model,
        origin,
        embed: async (texts, { signal } = {}) => {
          try {
            // The SDK asks for base64 unless told otherwise; local servers answer with plain floats.
            const reply = await this.client.embeddings.create({ model, input: texts, encoding_format: 'float' }, this.requestOptions(signal));
            return [...reply.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
          } catch (error) {
            // The model may be gone (unloaded, removed): ask the server again once the rest is over.
            if (!signal?.aborted) this.embeddingLookup?.expireWithin(EMBEDDINGS_RECHECK_MS);
            throw this.toModelError(error, model, signal);
          }
        },
      };
      this.embeddingSources.set(model, source);
    }
    return source;
  }

  async chat(role: Role, messages: ChatMessage[], options: ChatOptions = {}): Promise<ModelResponse> {
    if (options.stopWhen) return this.chatUntil(role, messages, options, options.stopWhen);
    const model = this.options.models[role];
    const started = performance.now();
    try {
      const dialect = await this.serverDialect(options.signal);
      const completion = await this.send(role, messages, options, dialect, (body) =>
        this.client.chat.completions.create({ ...body, stream: false } as ChatCompletionCreateParamsNonStreaming, this.requestOptions(options.signal)),
      );
      const choice = completion.choices[0];
      const message = choice?.message;
      if (!message) throw new ModelRequestError(`The model server at ${this.baseUrl} returned no choices for model "${model}".`, null);
      const split = splitThinkTags(message.content ?? '');
      if (split.templateOpened) this.templateOpensThink.add(model);
      const reasoning = [reasoningOf(message), split.reasoning].filter(Boolean).join('\n');
      return {
        role,
        model,
        content: split.content,
        reasoningContent: reasoning || null,
        usage: statsOf(completion),
        latencyMs: Math.round(performance.now() - started),
        finishReason: finishReasonOf(choice.finish_reason),
      };
    } catch (error) {
      throw await this.explain(error, model, options.signal);
    }
  }

  /**
   * `chat` with `stopWhen`: streamed, so that it can end as soon as the content settles what the
   * caller needs. Our own stop aborts the request too, but it is the answer, not an error; the
   * caller's abort still rejects as usual.
   */
  private async chatUntil(role: Role, messages: ChatMessage[], options: ChatOptions, stopWhen: NonNullable<ChatOptions['stopWhen']>): Promise<ModelResponse> {
    const started = performance.now();
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    // Asked when the content arrives: by then a server that refused the schema has had it dropped.
    const dialect = await this.serverDialect(options.signal);
    const constrained = () => options.responseFormat !== undefined && !this.dropped.has('response_format') && ENFORCES_SCHEMAS.has(dialect);
    const reply = await replyFromStream(this.streamChat(role, messages, { ...options, signal }), (content) => stopWhen(content, { constrained: constrained() }), () =>
      stop.abort(new DOMException('stopWhen was satisfied.', 'AbortError')),
    );
    return { role, model: this.options.models[role], ...reply, latencyMs: Math.round(performance.now() - started) };
  }

  async *streamChat(role: Role, messages: ChatMessage[], options: ChatOptions = {}): AsyncGenerator<StreamChunk> {
    const model = this.options.models[role];
    let stats: TokenUsage = {};
    let finish: FinishReason = 'other';
    const splitter = new ThinkTagSplitter({ startInside: this.templateOpensThink.has(model) && options.reasoning !== 'off' });
    try {
      const dialect = await this.serverDialect(options.signal);
      const stream = await this.send(role, messages, options, dialect, (body) =>
        this.client.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } } as ChatCompletionCreateParamsStreaming,
          // A streamed reply starts with its first token: waiting longer than the idle window is a stall too.
          { ...this.requestOptions(options.signal), timeout: Math.min(this.idleTimeoutMs, this.options.timeoutMs ?? Infinity) },
        ),
      );
      for await (const chunk of stream) {
        stats = mergeStats(stats, statsOf(chunk));
        const choice = chunk.choices[0];
        if (choice?.finish_reason) finish = finishReasonOf(choice.finish_reason);
        const delta = choice?.delta;
        if (!delta) continue;
        const reasoning = reasoningOf(delta);
        if (reasoning) yield { type: 'reasoning_delta', delta: reasoning };
        if (delta.content) yield* pieceChunks(splitter.push(delta.content));
      }
    } catch (error) {
      throw await this.explain(error, model, options.signal, Math.min(this.idleTimeoutMs, this.options.timeoutMs ?? Infinity));
    }
    // The SDK ends an aborted stream quietly; the caller must still learn it was cut short.
    if (options.signal?.aborted) throw abortReason(options.signal);
    yield* pieceChunks(splitter.end());
    if (splitter.orphanClose) this.templateOpensThink.add(model);
    if (hasStats(stats)) yield { type: 'usage', usage: stats };
    yield { type: 'finish', reason: finish };
  }

  async health(signal?: AbortSignal): Promise<ModelHealth> {
    const [health, embedding] = await Promise.all([this.serverHealth(signal), this.embeddingInUse(signal)]);
    return { ...health, embedding };
  }

  private async serverHealth(signal?: AbortSignal): Promise<ModelHealth> {
    try {
      const dialect = await this.serverDialect(signal);
      const page = await this.client.models.list({ timeout: HEALTH_TIMEOUT_MS, ...(signal ? { signal } : {}) });
      const ids = page.data.map((m) => m.id);
      const listed = ids.length ? `${ids.length} model(s) available: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}` : 'reachable, no models listed';
      const detail = dialect === 'openai' ? listed : `${DIALECT_LABELS[dialect]}, ${listed}`;
      return { configured: true, reachable: true, baseUrl: this.baseUrl, detail };
    } catch (error) {
      const mapped = this.toModelError(error, null, signal);
      if (!(mapped instanceof DucklmError)) throw mapped;
      return { configured: true, reachable: false, baseUrl: this.baseUrl, detail: mapped.message };
    }
  }

  /**
   * Sends the request; when the server refuses a field we may leave out (a JSON schema it cannot
   * use, a reasoning toggle it does not know), sends it again without, and remembers. A refusal
   * comes before any generation, so this is the one retry that is always safe.
   */
  private async send<T>(role: Role, messages: ChatMessage[], options: ChatOptions, dialect: ServerDialect, call: (body: ChatBody) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { body, sent } = buildChatBody({ model: this.options.models[role], messages, options, defaults: this.options.roleDefaults?.[role], dialect, dropped: this.dropped });
      try {
        return await call(body);
      } catch (error) {
        const field = options.signal?.aborted ? null : refusedField(error, sent);
        if (!field || attempt >= MAX_ATTEMPTS) throw error;
        this.dropped.add(field);
      }
    }
  }

  private requestOptions(signal: AbortSignal | undefined) {
    return { maxRetries: 0, ...(signal ? { signal } : {}) };
  }

  /**
   * toModelError; and when the server refused a model it does not have (a 404, or a 400 that names
   * the model, as llama-server's router does), the error lists the models it does have, read from
   * `/v1/models`. Any other refusal keeps the server's words alone.
   */
  private async explain(error: unknown, model: string, signal: AbortSignal | undefined, timeoutMs?: number): Promise<unknown> {
    const mapped = this.toModelError(error, model, signal, timeoutMs);
    if (!(mapped instanceof ModelRequestError)) return mapped;
    const words = error instanceof APIError ? errorText(error) : '';
    if (mapped.status !== 404 && !(mapped.status === 400 && words.includes(model))) return mapped;
    const offered = await this.client.models
      .list({ timeout: HEALTH_TIMEOUT_MS, ...(signal ? { signal } : {}) })
      .then((page) => page.data.map((m) => m.id))
      .catch(() => null);
    if (!offered?.length || offered.includes(model)) return mapped;
    return new ModelNotFoundError(model, offered, this.baseUrl, words, mapped.status, { cause: error });
  }

  private toModelError(error: unknown, model: string | null, signal: AbortSignal | undefined, timeoutMs = this.options.timeoutMs): unknown {
    return toModelError(error, { baseUrl: this.baseUrl, model, signal, timeoutMs, apiKey: this.apiKey });
  }
}

function* pieceChunks(piece: { reasoning: string; content: string }): Generator<StreamChunk> {
  if (piece.reasoning) yield { type: 'reasoning_delta', delta: piece.reasoning };
  if (piece.content) yield { type: 'content_delta', delta: piece.content };
}

/**
 * `reasoning_content` (llama-server, LM Studio, vLLM before 0.10) or `reasoning` (vLLM now,
 * Ollama's /v1, LM Studio for gpt-oss): both are outside the OpenAI types.
 */
function reasoningOf(message: object): string | null {
  const fields = message as { reasoning_content?: unknown; reasoning?: unknown };
  if (typeof fields.reasoning_content === 'string' && fields.reasoning_content) return fields.reasoning_content;
  if (typeof fields.reasoning === 'string' && fields.reasoning) return fields.reasoning;
  return null;
}

/** Waits for a shared promise, but lets this caller go as soon as its own signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
