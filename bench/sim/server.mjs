/**
 * The simulated local model as an HTTP server inside the bench process, speaking the OpenAI
 * chat-completions API the way llama-server does: POST /v1/chat/completions (streamed, with
 * `stream_options.include_usage`, or not), GET /v1/models, /props and /health (so ducklm's
 * detection calls it llama.cpp). Every reply carries `usage` (with
 * `prompt_tokens_details.cached_tokens`) and llama.cpp `timings`; `max_tokens` cuts a reply with
 * finish_reason 'length'; `chat_template_kwargs` and `reasoning_effort` are accepted and ignored,
 * and so is a response_format's schema (only its name matters, see oracle.mjs).
 *
 * Compute and caches are engine.mjs's; the answers are oracle.mjs's. `records` keeps one entry per
 * request for the scenarios: role, message label, prompt and cached tokens, arrival, first token,
 * end (bench-process performance.now() ms), whether the client hung up.
 */
import { createServer } from 'node:http';
import { SimEngine } from './engine.mjs';
import { createOracle, roleOf } from './oracle.mjs';
import { contentText, renderChatML, tokenize } from './tokens.mjs';

const MODEL = 'sim-qwen3-8b-q4_k_m';

/**
 * @param {{speed: {prefillTps: number, genTps: number}, slots?: number, messages: object[]}} options
 *   messages: the known, labelled messages (see oracle.mjs).
 */
export async function startSimServer({ speed, slots = 2, messages }) {
  const engine = new SimEngine({ ...speed, slots });
  const oracle = createOracle(messages);
  const records = [];
  const lastBodies = new Map();
  let nextId = 1;
  let speedNow = { ...speed };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) json(res, 500, { error: { code: 500, message: `simulated model: ${error?.message ?? error}`, type: 'server_error' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;

  async function handle(req, res) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/health') return json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/props') {
      return json(res, 200, { default_generation_settings: { n_ctx: 32768, params: {} }, total_slots: engine.slots.length, model_path: `/models/${MODEL}.gguf`, build_info: 'b0-bench-sim', chat_template: 'chatml' });
    }
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      return json(res, 200, { object: 'list', data: [{ id: MODEL, object: 'model', created: 0, owned_by: 'llamacpp', meta: {} }] });
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      return json(res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
    }
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return json(res, 400, { error: { code: 400, message: 'invalid JSON body', type: 'invalid_request_error' } });
    }
    if (!Array.isArray(body.messages) || !body.messages.length) return json(res, 400, { error: { code: 400, message: "'messages' is required", type: 'invalid_request_error' } });
    complete(body, req, res);
  }

  function complete(body, req, res) {
    const messages = body.messages.map((m) => ({ role: String(m.role), content: contentText(m.content) }));
    const role = roleOf(body);
    lastBodies.set(role, body);
    const prompt = tokenize(renderChatML(messages));
    const reply = tokenize(oracle.reply(role, messages));
    const maxTokens = body.max_tokens ?? body.max_completion_tokens ?? body.n_predict;
    const stream = body.stream === true;
    const includeUsage = stream && body.stream_options?.include_usage === true;
    const id = `chatcmpl-sim-${nextId++}`;
    const created = Math.floor(Date.now() / 1000);
    const record = { id, role, label: oracle.find(messages)?.entry.label ?? null, stream, promptTokens: prompt.length, cachedTokens: null, completionTokens: 0, slot: null, arrival: null, firstToken: null, end: null, aborted: false, finishReason: null, maxTokens: maxTokens ?? null, content: '' };
    records.push(record);

    let finished = false;
    const head = (choices) => ({ id, object: 'chat.completion.chunk', created, model: MODEL, system_fingerprint: 'b0-bench-sim', choices });
    const send = (chunk) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      send(head([{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }]));
    }

    const job = engine.submit({
      prompt,
      reply,
      maxTokens: Number.isInteger(maxTokens) ? maxTokens : undefined,
      onToken(token) {
        record.completionTokens++;
        record.content += token;
        if (stream && !res.destroyed) send(head([{ index: 0, delta: { content: token }, finish_reason: null }]));
      },
      onDone(reason) {
        finished = true;
        Object.assign(record, { finishReason: reason, firstToken: job.firstToken, end: job.end, cachedTokens: job.cached, slot: job.slotId });
        const usage = usageOf(job);
        const timings = timingsOf(job);
        if (res.destroyed) return;
        if (!stream) {
          json(res, 200, { id, object: 'chat.completion', created, model: MODEL, system_fingerprint: 'b0-bench-sim', choices: [{ index: 0, message: { role: 'assistant', content: record.content }, finish_reason: reason }], usage, timings });
          return;
        }
        send({ ...head([{ index: 0, delta: {}, finish_reason: reason }]), timings });
        if (includeUsage) send({ ...head([]), usage, timings });
        res.end('data: [DONE]\n\n');
      },
    });
    // A queued request learns its slot (and its cache) when one frees up; the record is completed at the end.
    Object.assign(record, { arrival: job.arrival, cachedTokens: job.cached, slot: job.slotId });
    res.on('close', () => {
      if (finished) return;
      engine.abort(job);
      Object.assign(record, { aborted: true, firstToken: job.firstToken, end: job.end, cachedTokens: job.cached, slot: job.slotId });
    });
    req.on('error', () => {});
  }

  function usageOf(job) {
    return { prompt_tokens: job.prompt.length, completion_tokens: job.generated, total_tokens: job.prompt.length + job.generated, prompt_tokens_details: { cached_tokens: job.cached } };
  }

  function timingsOf(job) {
    const promptMs = job.prefillEnd - job.ready;
    const predictedMs = job.end - job.prefillEnd;
    return {
      cache_n: job.cached,
      prompt_n: job.prompt.length - job.cached,
      prompt_ms: promptMs,
      prompt_per_second: promptMs > 0 ? ((job.prompt.length - job.cached) * 1000) / promptMs : null,
      predicted_n: job.generated,
      predicted_ms: predictedMs,
      predicted_per_second: predictedMs > 0 ? (job.generated * 1000) / predictedMs : null,
    };
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${server.address().port}`;
  return {
    baseUrl: `${root}/v1`,
    root,
    engine,
    records,
    oracle,
    get speed() {
      return speedNow;
    },
    /** New speeds, and (by default) cold caches, as after a restart. */
    configure(speed, { clearCaches = true } = {}) {
      speedNow = { ...speed };
      engine.configure(speed);
      if (clearCaches) engine.clearCaches();
    },
    /** Slot caches to start several runs from (call when idle). */
    snapshot: () => engine.snapshot(),
    restore: (snapshot) => engine.restore(snapshot),
    /** The last request body of a role, to replay its parts directly. */
    lastBody: (role) => lastBodies.get(role) ?? null,
    /** Resolves once no request holds a slot or waits for one. */
    async idle() {
      while (engine.queue.length || engine.slots.some((s) => s.job)) await new Promise((resolve) => setTimeout(resolve, 5));
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req) {
  const parts = [];
  for await (const part of req) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}
