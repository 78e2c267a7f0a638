/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions wire format (JSON and
 * SSE), answering from a script. Used by the model client tests and by the end-to-end test that
 * runs `ducklm serve` against it. A `flavor` makes it answer like llama-server, Ollama, vLLM or
 * LM Studio (see fake-server-flavors.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EFFORT_NONE_REJECTION, embeddingRefusal, FLAVORS, llamaTimings, LOADING_BODY, SAMPLERS_REJECTION, unknownFieldRejection, type FakeFlavor } from './fake-server-flavors.js';

export type { FakeFlavor } from './fake-server-flavors.js';

export interface FakeServerOptions {
  /** Whose wire format to reproduce; default `openai`, a plain OpenAI-compatible server. */
  flavor?: FakeFlavor;
  /** Overrides the flavour's reasoning field. */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /**
   * Reasoning inline in the content, as with llama-server --reasoning-format none: `open` sends
   * `<think>…</think>answer`, `unclosed` only `…</think>answer` (the template opened the block).
   * `template` is llama-server with a template that opens `<think>` (Qwen3.5): the reply starts
   * with the block the prompt opened, `<think>\n\n</think>\n\nanswer` when thinking is off, and
   * any `response_format` fails with `Failed to initialize samplers`.
   */
  thinkTags?: 'open' | 'unclosed' | 'template';
  /** Refuse `response_format` with the flavour's real-looking error. */
  rejectResponseFormat?: boolean;
  /** Refuse `reasoning_effort: "none"` as Ollama 0.11.5 to 0.12.3 did for models other than gpt-oss. */
  rejectEffortNone?: boolean;
  /** Overrides whether `usage.prompt_tokens_details.cached_tokens` is sent (llama-server builds before it had only `timings.cache_n`). */
  promptTokensDetails?: boolean;
  /** Refuse fields the OpenAI API does not know (`chat_template_kwargs`), as api.openai.com does. */
  rejectUnknownFields?: boolean;
  /** Answer 503 "Loading model" like llama-server before its model is in memory. */
  loading?: boolean;
  /**
   * The models this server embeds with, listed and described the flavour's way (Ollama's
   * `/api/show` capabilities, LM Studio's `type: "embeddings"`); `fake-model` among them is the
   * served model embedding too (llama-server `--embeddings`). Without it, `fake-model` refuses
   * `/v1/embeddings` as the flavour does; a model the server does not list is still answered.
   */
  embeddingModels?: string[];
  /**
   * The chat models it offers (default just `fake-model`), listed in `/v1/models` (and Ollama's
   * tags); a chat naming another is refused the way the flavour refuses it (Ollama: 404 "model
   * … not found"), as servers with several models do.
   */
  chatModels?: string[];
  /** Listen on this port (default: any free one): a test can stop a server and start it again where it was. */
  port?: number;
  /** llama-server's router mode (--models-dir): each model listed with `status.value`, unloaded until a chat or an embedding asks for it. */
  router?: boolean;
}

export interface FakeReply {
  content: string;
  /** Sent before the content; split into chunks when streamed. */
  reasoning?: string;
  /**
   * Holds the reply until this settles: a stream pauses after its first reasoning/content chunk,
   * a non-streamed reply sends nothing. For testing aborts mid-request.
   */
  hold?: Promise<unknown>;
  /**
   * Keeps a stream open after its content, before `finish_reason`, until this settles: a
   * generation still running (one that never settles runs until the client hangs up).
   */
  running?: Promise<unknown>;
  /** Characters per streamed content delta; default: the content in three deltas. */
  pieceSize?: number;
  /** The wire `finish_reason`; default `stop`; `null` sends none. */
  finishReason?: string | null;
  /** Prompt tokens the server took from its cache, reported the flavour's way. */
  cachedTokens?: number;
}

export interface FakeRequest {
  model: string;
  messages: { role: string; content: string }[];
  stream: boolean;
  body: Record<string, unknown>;
}

export type FakeScript = (request: FakeRequest) => FakeReply | { status: number; body: unknown };

/** How a chat request's connection ended: the whole reply was sent, or the client hung up first. */
export type RequestOutcome = 'completed' | 'aborted';

export interface FakeOpenAIServer {
  /** Ends with /v1. */
  baseUrl: string;
  /** Every chat-completions request, in arrival order. */
  requests: FakeRequest[];
  /** Every other request (`GET /props`, `/v1/models`, ...) as `METHOD /path`, in arrival order. */
  probes: string[];
  /** Resolves when `requests[index]` has arrived (its body read, nothing answered yet). */
  requestArrived(index: number): Promise<FakeRequest>;
  /** Resolves when the response to `requests[index]` is over: `aborted` when the client hung up first. */
  requestClosed(index: number): Promise<RequestOutcome>;
  /** Starts or stops answering 503 "Loading model". */
  setLoading(loading: boolean): void;
  close(): Promise<void>;
}

export async function startFakeOpenAIServer(script: FakeScript, opts: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
  const flavor = FLAVORS[opts.flavor ?? 'openai'];
  const reasoningField = opts.reasoningField ?? flavor.reasoningField;
  let loading = opts.loading ?? false;
  const embeddingModels = opts.embeddingModels ?? [];
  const chatModels = opts.chatModels ?? ['fake-model'];
  /** What a router has loaded: every model it was asked to answer or embed with. */
  const loaded = new Set<string>();
  const requests: FakeRequest[] = [];
  const probes: string[] = [];
  const outcomes: Promise<RequestOutcome>[] = [];
  const arrivals: Array<(request: FakeRequest) => void> = [];
  const arrived: Promise<FakeRequest>[] = [];
  const arrival = (index: number) => (arrived[index] ??= new Promise((resolve) => (arrivals[index] = resolve)));

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake server: ${String(error)}` } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const isChat = req.method === 'POST' && path === '/v1/chat/completions';
    if (!isChat) probes.push(`${req.method} ${path}`);
    if (loading && !isChat) return sendJson(res, 503, LOADING_BODY);
    if (req.method === 'GET' && path === '/v1/models') {
      const ids = [...chatModels, ...embeddingModels.filter((m) => !chatModels.includes(m))];
      const status = (id: string) => (opts.router ? { status: { value: loaded.has(id) ? 'loaded' : 'unloaded' } } : {});
      return sendJson(res, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: flavor.ownedBy, ...status(id) })) });
    }
    if (opts.flavor === 'ollama' && req.method === 'GET' && path === '/api/tags') {
      return sendJson(res, 200, { models: [...chatModels, ...embeddingModels].map((name) => ({ name, model: name, size: 1 })) });
    }
    if (opts.flavor === 'ollama' && req.method === 'POST' && path === '/api/show') {
      const { model } = JSON.parse(await readBody(req)) as { model: string };
      if (!chatModels.includes(model) && !embeddingModels.includes(model)) return sendJson(res, 404, { error: `model '${model}' not found` });
      return sendJson(res, 200, { details: { format: 'gguf' }, capabilities: embeddingModels.includes(model) ? ['embedding'] : ['completion', 'tools'] });
    }
    if (opts.flavor === 'lmstudio' && req.method === 'GET' && path === '/api/v0/models') {
      const listed = (flavor.routes[path] as { data: unknown[] }).data;
      const embedders = embeddingModels.map((id) => ({ id, object: 'model', type: 'embeddings', publisher: 'nomic-ai', arch: 'nomic-bert', state: 'loaded', max_context_length: 2048 }));
      return sendJson(res, 200, { object: 'list', data: [...listed, ...embedders] });
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      // A tiny deterministic embedding: letter counts, so texts sharing words lie close together.
      const { input: raw, model } = JSON.parse(await readBody(req)) as { input: string[] | string; model: string };
      loaded.add(model);
      if (model === 'fake-model' && !embeddingModels.includes(model)) {
        const refusal = embeddingRefusal(opts.flavor ?? 'openai');
        return sendJson(res, refusal.status, refusal.body);
      }
      const input = typeof raw === 'string' ? [raw] : raw;
      const vector = (text: string) => Array.from({ length: 26 }, (_, i) => [...text.toLowerCase()].filter((c) => c.charCodeAt(0) - 97 === i).length);
      return sendJson(res, 200, { object: 'list', model, data: input.map((text, index) => ({ object: 'embedding', index, embedding: vector(text) })) });
    }
    const route = req.method === 'GET' ? flavor.routes[path] : undefined;
    if (route !== undefined) return sendJson(res, 200, route);
    if (!isChat) return sendJson(res, 404, { error: { message: `fake server: no route ${req.method} ${path}` } });
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const request: FakeRequest = {
      model: String(body.model),
      messages: Array.isArray(body.messages) ? body.messages.map(toMessage) : [],
      stream: body.stream === true,
      body,
    };
    requests.push(request);
    loaded.add(request.model);
    void arrival(requests.length - 1);
    arrivals[requests.length - 1]?.(request);
    outcomes.push(new Promise((resolve) => res.once('close', () => resolve(res.writableFinished ? 'completed' : 'aborted'))));

    if (loading) return sendJson(res, 503, LOADING_BODY);
    if (opts.chatModels && !chatModels.includes(request.model)) {
      return sendJson(res, opts.flavor === 'ollama' ? 404 : 400, { error: { message: `model "${request.model}" not found, try pulling it first`, type: 'api_error' } });
    }
    const refusal = refuse(body);
    if (refusal) return sendJson(res, refusal.status, refusal.body);
    const reply = script(request);
    if ('status' in reply) return sendJson(res, reply.status, reply.body);

    // A real server asked not to think sends no reasoning at all.
    const thinkingOff = flavor.thinkingOff(body);
    const reasoning = thinkingOff ? undefined : reply.reasoning;
    const content = inlineThink(reasoning, reply.content, opts.thinkTags);
    const reasoningText = opts.thinkTags ? undefined : reasoning;
    const usage = {
      prompt_tokens: request.messages.reduce((n, m) => n + words(m.content), 0),
      completion_tokens: Math.max(1, words(reply.content) + words(reasoning ?? '')),
    };
    const cached = reply.cachedTokens ?? 0;
    const details = (opts.promptTokensDetails ?? flavor.promptTokensDetails) ? { prompt_tokens_details: { cached_tokens: cached } } : {};
    const usageBody = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens, ...details };
    const timings = flavor.timings ? { timings: llamaTimings(usage.prompt_tokens, usage.completion_tokens, cached) } : {};
    const finishReason = reply.finishReason === undefined ? 'stop' : reply.finishReason;
    const base = { id: `chatcmpl-fake-${requests.length}`, created: Math.floor(Date.now() / 1000), model: request.model };

    if (!request.stream) {
      if (reply.hold) await reply.hold;
      if (res.destroyed) return;
      const message = { role: 'assistant', content, ...(reasoningText !== undefined ? { [reasoningField]: reasoningText } : {}) };
      return sendJson(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }], usage: usageBody, ...timings });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (data: unknown) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });

    // Real servers open with an empty role chunk; the client must skip the empty content.
    chunk({ role: 'assistant', content: '' });
    const deltas = [
      ...pieces(reasoningText ?? '').map((p) => ({ [reasoningField]: p })),
      // Small pieces for inline tags, so that `<think>` and `</think>` arrive cut in two.
      ...pieces(content, reply.pieceSize ?? (opts.thinkTags ? 4 : undefined)).map((p) => ({ content: p })),
    ];
    for (const [i, delta] of deltas.entries()) {
      chunk(delta);
      if (i === 0 && reply.hold) await reply.hold;
      if (res.destroyed) return;
    }
    if (reply.running) await reply.running;
    if (res.destroyed) return;
    send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: finishReason, logprobs: null }], ...timings });
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    if (streamOptions?.include_usage === true) send({ ...base, object: 'chat.completion.chunk', choices: [], usage: usageBody });
    send('[DONE]');
    res.end();
  }

  /** The flavour's refusal of a field it cannot use, before any generation, as real servers do. */
  function refuse(body: Record<string, unknown>): { status: number; body: unknown } | null {
    if (opts.rejectUnknownFields && body.chat_template_kwargs !== undefined) return unknownFieldRejection('chat_template_kwargs');
    if (opts.rejectEffortNone && body.reasoning_effort === 'none') return EFFORT_NONE_REJECTION;
    if (opts.rejectResponseFormat && body.response_format !== undefined) return flavor.schemaRejection;
    if (opts.thinkTags === 'template' && body.response_format !== undefined) return SAMPLERS_REJECTION;
    return null;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    probes,
    setLoading(value) {
      loading = value;
    },
    requestArrived(index) {
      return arrival(index);
    },
    requestClosed(index) {
      const outcome = outcomes[index];
      if (!outcome) throw new Error(`fake server: no request #${index} (got ${outcomes.length})`);
      return outcome;
    },
    /** Drops open connections too, like a crashed server; calling it again is harmless. */
    async close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function toMessage(value: unknown): { role: string; content: string } {
  const m = (value ?? {}) as { role?: unknown; content?: unknown };
  return { role: String(m.role), content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '') };
}

/** The content as a server without a reasoning parser sends it. */
function inlineThink(reasoning: string | undefined, content: string, mode: FakeServerOptions['thinkTags']): string {
  if (!mode) return content;
  // With thinking off the template closed the block in the prompt, and llama-server repeats it.
  if (reasoning === undefined) return mode === 'template' ? `<think>\n\n</think>\n\n${content}` : content;
  return `${mode === 'unclosed' ? '' : '<think>\n'}${reasoning}\n</think>\n\n${content}`;
}

/** Up to three pieces (or pieces of `size`), split on code points so multi-byte text survives. */
function pieces(text: string, size = Math.ceil(Array.from(text).length / 3)): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
