/** Section 3: relay throughput, one stream from an infinitely fast model, through ducklm and direct. */
import { chatStream, directStream } from '../lib/client.mjs';
import { median, round } from '../lib/stats.mjs';

const RELAY_MESSAGE = 'Tell me a long story.';

async function relay(h, server, fake) {
  const { RELAY_RUNS, RELAY_TOKENS, TOKEN } = h.settings;
  const model = { ttftMs: 0, tokensPerSecond: 0, answerTokens: RELAY_TOKENS };
  await h.configure(fake, server, model);
  const runs = [];
  for (let i = 0; i < RELAY_RUNS + 1; i++) {
    await server.resetProbe();
    const client0 = process.cpuUsage();
    const r = await chatStream(server.url, TOKEN, { message: RELAY_MESSAGE, workspace: h.workspace });
    const probe = await server.probe();
    const client = process.cpuUsage(client0);
    if (r.taskId) await h.settledEvents(server, r.taskId);
    const cpuMs = probe.cpuUserMs + probe.cpuSystemMs;
    const run = {
      tokens: r.deltas,
      seconds: r.lastTokenMs / 1000,
      tokensPerSecond: r.deltas / (r.lastTokenMs / 1000),
      serverCpuMsPer1k: (cpuMs / r.deltas) * 1000,
      clientCpuMsPer1k: ((client.user + client.system) / 1000 / r.deltas) * 1000,
      eventLoopDelayMaxMs: probe.eventLoopDelayMs.max,
      peakRssMB: probe.peakMemory.rss / 2 ** 20,
      problems: r.error ? [r.error] : r.deltas !== RELAY_TOKENS ? [`${r.deltas} tokens`] : [],
    };
    if (i > 0) runs.push(run); // the first one warms up
  }
  return summarizeRelay(h, server.kind === 'serve' ? 'ducklm serve (OpenAI client → fake model over HTTP)' : 'ducklm app in-process, fake ModelClient (no model HTTP)', server.kind, runs);
}

async function relayDirect(h, fake) {
  const { RELAY_RUNS, RELAY_TOKENS } = h.settings;
  await fake.configure({ ttftMs: 0, tokensPerSecond: 0, answerTokens: RELAY_TOKENS });
  const body = { model: 'bench-thinker', messages: [{ role: 'user', content: RELAY_MESSAGE }], stream: true, stream_options: { include_usage: true } };
  const runs = [];
  for (let i = 0; i < RELAY_RUNS + 1; i++) {
    const client0 = process.cpuUsage();
    const r = await directStream(fake.baseUrl, body);
    const client = process.cpuUsage(client0);
    if (i > 0) {
      runs.push({
        tokens: r.deltas,
        seconds: r.lastTokenMs / 1000,
        tokensPerSecond: r.deltas / (r.lastTokenMs / 1000),
        serverCpuMsPer1k: null,
        clientCpuMsPer1k: ((client.user + client.system) / 1000 / r.deltas) * 1000,
        problems: r.error ? [r.error] : [],
      });
    }
  }
  return summarizeRelay(h, 'fake model called directly (baseline)', 'direct', runs);
}

function summarizeRelay(h, label, path, runs) {
  const m = (key) => median(runs.map((r) => r[key]));
  const result = {
    label,
    path,
    runs: runs.length,
    tokens: h.settings.RELAY_TOKENS,
    tokensPerSecond: m('tokensPerSecond'),
    minTokensPerSecond: Math.min(...runs.map((r) => r.tokensPerSecond)),
    serverCpuMsPer1k: m('serverCpuMsPer1k'),
    clientCpuMsPer1k: m('clientCpuMsPer1k'),
    eventLoopDelayMaxMs: m('eventLoopDelayMaxMs'),
    peakRssMB: m('peakRssMB'),
    samples: runs.map(({ problems: _, ...r }) => r),
    problems: [...new Set(runs.flatMap((r) => r.problems))],
  };
  h.log(`  relay ${path}: ${Math.round(result.tokensPerSecond)} tok/s${result.serverCpuMsPer1k !== null ? `, server CPU ${round(result.serverCpuMsPer1k, 2)} ms / 1k tokens` : ''}`);
  return result;
}

/** The fake called directly (baseline), then each server in turn. */
export async function measureRelay(h, fake, servers) {
  const results = [await relayDirect(h, fake)];
  for (const server of servers) results.push(await relay(h, server, fake));
  return results;
}
