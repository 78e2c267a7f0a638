#!/usr/bin/env node
/**
 * `npm run bench`: how much ducklm adds on top of the model, measured against a fake
 * OpenAI-compatible model server (bench/fake-model.mjs) whose time to first token and tokens per
 * second the bench sets. Prints a markdown report and writes bench/results/latest.json.
 *
 *   node bench/run.mjs [--quick] [--only SECTIONS] [--out FILE]
 *
 * --quick: fewer runs and memories, for trying the bench out (not for quoting).
 * --only: a comma-separated subset of latency, relay, concurrency, storage, sim, follow (e.g. `--only sim`,
 *         which `npm run bench:sim` runs); results then go to bench/results/only-<sections>.json.
 * Expects a built dist/ (the npm script builds first).
 *
 * The sections live in bench/scenarios/ (latency, relay, concurrency, storage, sim, follow, targets); what
 * they share in bench/lib/ (settings, harness, turn, client, processes, stats, report); the
 * simulated local model of the sim section in bench/sim/.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHarness } from './lib/harness.mjs';
import { machine } from './lib/machine.mjs';
import { ROOT } from './lib/processes.mjs';
import { renderReport } from './lib/report.mjs';
import { benchSettings } from './lib/settings.mjs';
import { round } from './lib/stats.mjs';
import { measureConcurrency } from './scenarios/concurrency.mjs';
import { measureFollow } from './scenarios/follow.mjs';
import { measureLatency } from './scenarios/latency.mjs';
import { measureRelay } from './scenarios/relay.mjs';
import { measureSim } from './scenarios/sim.mjs';
import { measureStorage } from './scenarios/storage.mjs';
import { targets } from './scenarios/targets.mjs';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' } }, strict: true });
const QUICK = args.quick;
const SECTIONS = ['latency', 'relay', 'concurrency', 'storage', 'sim', 'follow'];
const ONLY = args.only ? args.only.split(',').map((s) => s.trim()) : SECTIONS;
const unknown = ONLY.filter((s) => !SECTIONS.includes(s));
if (unknown.length) {
  process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}.\n`);
  process.exit(2);
}
const runs = (section) => ONLY.includes(section);
const OUT = args.out ?? join(ROOT, 'bench', 'results', args.only ? `only-${ONLY.join('-')}${QUICK ? '-quick' : ''}.json` : QUICK ? 'quick.json' : 'latest.json');

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('bench: dist/ is missing; run `npm run bench` (it builds first) or `npm run build`.\n');
  process.exit(1);
}

const S = benchSettings(QUICK);
const h = createHarness(S);
const { log } = h;
process.once('SIGINT', () => void h.cleanup().then(() => process.exit(130)));

async function main() {
  const results = {
    generatedAt: new Date().toISOString(),
    quick: QUICK,
    machine: machine(),
    settings: { answerTokens: S.ANSWER_TOKENS, models: S.MODELS, runs: S.RUNS, warmup: S.WARMUP, memories: S.MEMORY_COUNT, relayTokens: S.RELAY_TOKENS, relayRuns: S.RELAY_RUNS, concurrency: S.CONCURRENCY, storageTurns: S.STORAGE_TURNS, sim: S.SIM, follow: S.FOLLOW },
    sections: ONLY,
    latency: [],
    relay: [],
    concurrency: [],
  };
  const fake = ONLY.some((s) => s !== 'sim') ? await h.startFake() : null;

  if (runs('latency')) {
    log('1-2. latency and model calls (ducklm serve against the fake model, fresh database)');
    const main = await h.newDucklm('serve', 'latency', fake);
    const latency = await measureLatency(h, main, fake);
    results.latency = latency.latency;
    results.memories = latency.memories;
    results.memoryTurnSqlite = latency.memoryTurnSqlite;
    await main.stop();
  }

  if (runs('relay') || runs('concurrency')) {
    const serve = await h.newDucklm('serve', 'load', fake);
    const inproc = await h.newDucklm('inproc', 'load-inproc', fake);
    results.idleMemory = { serve: serve.idle, inproc: inproc.idle };
    if (runs('relay')) {
      log('3. relay throughput');
      results.relay = await measureRelay(h, fake, [serve, inproc]);
    }
    if (runs('concurrency')) {
      log('4. concurrency');
      results.concurrency = await measureConcurrency(h, fake, [serve, inproc]);
    }
    await serve.stop();
    await inproc.stop();
  }

  if (runs('storage')) {
    log('5. storage');
    results.storage = await measureStorage(h, fake);
  }

  if (runs('sim')) {
    log('6. a simulated local model: routing set, TTFT ratios, prompt cache share');
    results.sim = await measureSim(h);
  }

  if (runs('follow')) {
    log('7. following one task: 50 followers of one answer, and a follower that keeps resuming');
    const serve = await h.newDucklm('serve', 'follow', fake);
    results.follow = await measureFollow(h, fake, serve);
    await serve.stop();
  }

  results.targets = targets(results, S);
  results.durationSeconds = (performance.now() - h.started) / 1000;
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(renderReport(results));
  log(`done in ${round(results.durationSeconds, 0)} s; JSON in ${OUT}`);
  // A scenario that did not go as scripted measured the wrong thing: fail, after reporting.
  const broken = [...results.latency, ...results.relay].filter((r) => r.problems.length);
  const simProblems = results.sim?.problems ?? [];
  const followProblems = (results.follow?.problems ?? []).map((p) => `follow: ${p}`);
  if (broken.length || results.storage?.failures || simProblems.length || followProblems.length) {
    log(`some runs did not go as scripted: ${[...broken.map((r) => `${r.scenario ?? r.path}: ${r.problems.join('; ')}`), ...simProblems, ...followProblems].join(' | ')}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} finally {
  await h.cleanup();
}
