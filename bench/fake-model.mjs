/**
 * The benchmark's fake OpenAI-compatible model server, run as its own process so that neither
 * ducklm nor the bench client shares its event loop. Answers each role (see fake-roles.mjs) with
 * the time to first token and tokens per second set through its control routes:
 *
 *   POST /_bench/config  {ttftMs, tokensPerSecond, answerTokens}   (tokensPerSecond 0 = instant)
 *   GET  /_bench/log     every chat request since the last reset: role, timing, tokens
 *   POST /_bench/reset   clears the log
 *   GET  /_bench/last?role=thinker   the last request body of a role, to replay it directly
 *
 * Prints "fake model listening on http://127.0.0.1:PORT/v1" when ready.
 */
import { createServer } from 'node:http';
import {
  DEFAULT_MODEL_CONFIG,
  answerTokens,
  estimateTokens,
  isInstant,
  msPerToken,
  promptTokensOf,
  roleOf,
  sleep,
  structuredDelayMs,
  structuredReply,
  structuredTokens,
  until,
} from './fake-roles.mjs';

let config = { ...DEFAULT_MODEL_CONFIG };
let log = [];
const lastBody = new Map();
let nextId = 1;
const MAX_LOG = 20_000;

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (!res.headersSent) json(res, 500, { error: { message: `fake model: ${error?.message ?? error}` } });
    else res.destroy();
  });
});
server.keepAliveTimeout = 60_000;

async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'bench-model', object: 'model', created: 0, owned_by: 'bench' }] });
  if (req.method === 'POST' && path === '/_bench/config') {
    config = { ...config, ...JSON.parse(await readBody(req)) };
    return json(res, 200, config);
  }
  if (req.method === 'GET' && path === '/_bench/log') return json(res, 200, log);
  if (req.method === 'POST' && path === '/_bench/reset') {
    await readBody(req);
    log = [];
    return json(res, 200, { ok: true });
  }
  if (req.method === 'GET' && path === '/_bench/last') return json(res, 200, lastBody.get(url.searchParams.get('role')) ?? null);
  if (req.method !== 'POST' || path !== '/v1/chat/completions') return json(res, 404, { error: { message: `fake model: no route ${req.method} ${path}` } });

  const arrived = performance.timeOrigin + performance.now();
  const text = await readBody(req);
  const body = JSON.parse(text);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const role = roleOf(String(body.model), body);
  lastBody.set(role, body);
  const cfg = config;
  const promptTokens = promptTokensOf(messages);
  const id = nextId++;
  const base = { id: `chatcmpl-bench-${id}`, created: Math.floor(Date.now() / 1000), model: String(body.model) };
  const entry = { id, role, stream: body.stream === true, arrived, promptTokens, completionTokens: 0, ttftMs: cfg.ttftMs, modelMs: 0, requestBytes: text.length };
  log.push(entry);
  if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);

  if (body.stream !== true) {
    const content = structuredReply(role, messages);
    const completionTokens = estimateTokens(content);
    entry.completionTokens = completionTokens;
    entry.modelMs = structuredDelayMs(cfg, completionTokens);
    if (entry.modelMs >= 1) await sleep(entry.modelMs);
    if (res.destroyed) return;
    return json(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  }

  // A structured role read as a stream (until its deciding key) streams its JSON.
  const tokens = body.response_format ? structuredTokens(structuredReply(role, messages)) : answerTokens(messages, cfg.answerTokens);
  entry.completionTokens = tokens.length;
  entry.modelMs = cfg.ttftMs + Math.max(0, tokens.length - 1) * msPerToken(cfg);
  const start = performance.now();
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const head = `data: {"id":"${base.id}","object":"chat.completion.chunk","created":${base.created},"model":${JSON.stringify(base.model)},"choices":[{"index":0,"delta":`;
  const tail = ',"finish_reason":null,"logprobs":null}]}\n\n';
  const chunk = (token) => `${head}{"content":${JSON.stringify(token)}}${tail}`;
  // Real servers open with an empty role chunk.
  res.write(`${head}{"role":"assistant","content":""}${tail}`);
  if (isInstant(cfg) && cfg.ttftMs < 1) {
    // As fast as the socket takes it: batches of chunks, honouring backpressure.
    const BATCH = 256;
    for (let i = 0; i < tokens.length; i += BATCH) {
      let batch = '';
      for (let j = i; j < Math.min(tokens.length, i + BATCH); j++) batch += chunk(tokens[j]);
      if (res.destroyed) return;
      if (!res.write(batch)) await new Promise((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
    }
  } else {
    const step = msPerToken(cfg);
    for (let i = 0; i < tokens.length; i++) {
      await until(start + cfg.ttftMs + i * step);
      if (res.destroyed) return;
      res.write(chunk(tokens[i]));
    }
  }
  res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }] })}\n\n`);
  if (body.stream_options?.include_usage === true) {
    res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: tokens.length, total_tokens: promptTokens + tokens.length } })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req) {
  const parts = [];
  for await (const part of req) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

server.listen(Number(process.env.BENCH_FAKE_PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`fake model listening on http://127.0.0.1:${server.address().port}/v1\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
