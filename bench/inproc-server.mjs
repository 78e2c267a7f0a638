/**
 * ducklm's app (dist/http/app.js, createApp) in this process with a fake ModelClient object in
 * place of the OpenAI-compatible client, listening on port 0, instrumented by probe.mjs. No model
 * HTTP, no OpenAI SDK: what is left is ducklm's own pipeline, store and SSE writing.
 *
 * Forked by the bench with an IPC channel; {bench: 'model', config} sets the fake model's timing
 * (see fake-roles.mjs). Prints "ducklm listening on http://127.0.0.1:PORT" when ready.
 */
import './probe.mjs';
import { loadConfig } from '../dist/config.js';
import { createApp } from '../dist/http/app.js';
import {
  DEFAULT_MODEL_CONFIG,
  ROLE_MODELS,
  answerTokens,
  estimateTokens,
  isInstant,
  msPerToken,
  promptTokensOf,
  sleep,
  structuredDelayMs,
  structuredReply,
  structuredTokens,
  until,
} from './fake-roles.mjs';

let modelConfig = { ...DEFAULT_MODEL_CONFIG };
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Implements ducklm's ModelClient contract (src/model/model-client.ts). */
const model = {
  async chat(role, messages, options = {}) {
    const started = performance.now();
    const full = structuredReply(role, messages);
    // stopWhen: read as a stream, stopped where the caller had what it needed (under a grammar).
    const tokens = structuredTokens(full);
    let content = full;
    let finishReason = 'stop';
    if (options.stopWhen) {
      let sofar = '';
      for (const token of tokens) {
        sofar += token;
        if (options.stopWhen(sofar, { constrained: true })) {
          content = sofar;
          finishReason = 'stopped';
          break;
        }
      }
    }
    const completionTokens = estimateTokens(content);
    const delay = structuredDelayMs(modelConfig, completionTokens);
    if (delay >= 1) await sleep(delay);
    return { role, model: ROLE_MODELS[role], content, reasoningContent: null, usage: { promptTokens: promptTokensOf(messages), completionTokens }, latencyMs: Math.round(performance.now() - started), finishReason };
  },
  async *streamChat(role, messages, options = {}) {
    const cfg = modelConfig;
    const tokens = answerTokens(messages, cfg.answerTokens);
    const start = performance.now();
    const instant = isInstant(cfg) && cfg.ttftMs < 1;
    for (let i = 0; i < tokens.length; i++) {
      // A network client gets its chunks in reads: let I/O run between batches, like one would.
      if (instant) {
        if (i % 256 === 255) await yieldToLoop();
      } else await until(start + cfg.ttftMs + i * msPerToken(cfg));
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      yield { type: 'content_delta', delta: tokens[i] };
    }
    yield { type: 'usage', usage: { promptTokens: promptTokensOf(messages), completionTokens: tokens.length } };
    yield { type: 'finish', reason: 'stop' };
  },
  async health() {
    return { configured: true, reachable: true, baseUrl: 'bench://in-process' };
  },
};

process.on('message', (message) => {
  if (message?.bench === 'model') {
    modelConfig = { ...modelConfig, ...message.config };
    process.send?.({ bench: 'model-done', id: message.id });
  }
});

const config = loadConfig();
config.host = '127.0.0.1';
config.port = 0;
const app = await createApp({ config, model });
await app.server.listen({ host: config.host, port: 0 });
const { port } = app.server.server.address();
process.stdout.write(`ducklm listening on http://127.0.0.1:${port}\n`);

process.once('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});
