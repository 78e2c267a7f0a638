/** Section 4: concurrency, bursts of "hello" chats sent at once, with the fake called directly as a baseline. */
import { chatStream, directStream, pool } from '../lib/client.mjs';
import { percentile, round } from '../lib/stats.mjs';
import { viaTurn } from '../lib/turn.mjs';

const nominal = (model) => {
  const step = model.tokensPerSecond ? 1000 / model.tokensPerSecond : 0;
  return { ttftMs: model.ttftMs, totalMs: model.ttftMs + (model.answerTokens - 1) * step };
};

function latencySummary(results, model) {
  const n = nominal(model);
  const ok = results.filter((r) => !r.failed);
  const addedTtft = ok.map((r) => r.ttftMs - n.ttftMs);
  const addedTotal = ok.map((r) => r.totalMs - n.totalMs);
  return {
    addedTtftMs: { p50: percentile(addedTtft, 50), p99: percentile(addedTtft, 99), max: percentile(addedTtft, 100) },
    addedTotalMs: { p50: percentile(addedTotal, 50), p99: percentile(addedTotal, 99), max: percentile(addedTotal, 100) },
  };
}

/** n chats sent at once; returns per-chat timings once every after-answer job has finished too. */
async function burst(h, server, n) {
  const { ANSWER_TOKENS, TOKEN } = h.settings;
  const results = await Promise.all(
    Array.from({ length: n }, async () => {
      const r = await chatStream(server.url, TOKEN, { message: 'hello', workspace: h.workspace });
      const failed = !!r.error || r.status !== 200 || r.done?.status !== 'completed' || r.deltas !== ANSWER_TOKENS;
      return { ttftMs: r.ttftMs, totalMs: r.totalMs, taskId: r.taskId, failed, error: failed ? (r.error ?? `status ${r.done?.status}, ${r.deltas} tokens`) : null };
    }),
  );
  // Memory policy runs after each answer: wait for all of it, it is part of the load.
  await pool(results.filter((r) => r.taskId), 8, (r) => h.settledEvents(server, r.taskId).catch(() => null));
  return results;
}

async function concurrency(h, server, fake, model, n) {
  const { BURSTS, SCENARIOS } = h.settings;
  await h.configure(fake, server, model);
  // A few turns first so that nothing is measured cold.
  for (let i = 0; i < 3; i++) await viaTurn(h, server, fake, SCENARIOS.direct_chat);
  await server.resetProbe();
  const results = [];
  for (let b = 0; b < BURSTS; b++) results.push(...(await burst(h, server, n)));
  const probe = await server.probe();
  const errors = results.filter((r) => r.failed);
  let direct = null;
  if (server.kind === 'serve') {
    const body = await fake.last('thinker');
    const d = [];
    for (let b = 0; b < BURSTS; b++) d.push(...(await Promise.all(Array.from({ length: n }, () => directStream(fake.baseUrl, body)))));
    direct = { errors: d.filter((r) => r.error).length, ...latencySummary(d.map((r) => ({ ...r, failed: !!r.error })), model) };
  }
  const result = {
    server: server.kind,
    model: model.key,
    modelLabel: model.label,
    chats: n,
    bursts: BURSTS,
    errors: errors.length,
    errorSamples: [...new Set(errors.map((e) => e.error))].slice(0, 3),
    ...latencySummary(results, model),
    direct,
    eventLoopDelayMs: probe.eventLoopDelayMs,
    peakRssMB: probe.peakMemory.rss / 2 ** 20,
    peakHeapUsedMB: probe.peakMemory.heapUsed / 2 ** 20,
    serverCpuMs: probe.cpuUserMs + probe.cpuSystemMs,
    serverCpuMsPerChat: (probe.cpuUserMs + probe.cpuSystemMs) / results.length,
    serverWallMs: probe.wallMs,
  };
  h.log(`  ${n} chats ×${BURSTS} on ${server.kind} @ ${model.label}: ${errors.length} errors, added TTFT p50 ${round(result.addedTtftMs.p50)} p99 ${round(result.addedTtftMs.p99)} ms, event-loop delay p99 ${round(probe.eventLoopDelayMs.p99)} max ${round(probe.eventLoopDelayMs.max)} ms, peak RSS ${round(result.peakRssMB)} MB`);
  return result;
}

/** Every server × model speed × level of concurrency. */
export async function measureConcurrency(h, fake, servers) {
  const { CONCURRENCY, MODELS } = h.settings;
  const results = [];
  for (const server of servers) {
    for (const model of [MODELS.real, MODELS.zero]) {
      for (const n of CONCURRENCY) results.push(await concurrency(h, server, fake, model, n));
    }
  }
  return results;
}
