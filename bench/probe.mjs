/**
 * Instruments the process it is loaded into, without touching ducklm's source: the bench starts
 * `node --import bench/probe.mjs bin/ducklm.js serve` (and inproc-server.mjs imports it first).
 *
 * Measures, from inside the server process: event-loop delay (perf_hooks.monitorEventLoopDelay),
 * CPU time (process.cpuUsage), peak memory (sampled process.memoryUsage plus resourceUsage().maxRSS),
 * and every SQLite statement ducklm runs (better-sqlite3's prepare/run/get/all wrapped: counts,
 * rows changed, autocommits, time, by SQL text).
 *
 * Talks over the IPC channel the bench opened: {bench: 'reset'} restarts every counter,
 * {bench: 'stats', id} answers {bench: 'stats', id, stats}.
 */
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');

const hr = () => process.hrtime.bigint();

const RESOLUTION_MS = 10;
const excess = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
let eld;
let cpuStart;
let wallStart;
let peak;
let sql;

function reset() {
  eld?.disable();
  eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  eld.enable();
  cpuStart = process.cpuUsage();
  wallStart = performance.now();
  const m = process.memoryUsage();
  peak = { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
  sql = { prepares: 0, prepareNs: 0n, statements: new Map(), transactions: 0 };
}
reset();

const sampler = setInterval(() => {
  const m = process.memoryUsage();
  for (const key of Object.keys(peak)) if (m[key] > peak[key]) peak[key] = m[key];
}, 20);
sampler.unref();

// --- SQLite ---------------------------------------------------------------------------------
const origPrepare = Database.prototype.prepare;
Database.prototype.prepare = function prepare(source) {
  const t = hr();
  try {
    return origPrepare.call(this, source);
  } finally {
    sql.prepares++;
    sql.prepareNs += hr() - t;
  }
};
const origTransaction = Database.prototype.transaction;
Database.prototype.transaction = function transaction(fn) {
  const database = this;
  const wrapped = origTransaction.call(this, fn);
  const count = (run) =>
    function (...args) {
      if (!database.inTransaction) sql.transactions++;
      return run.apply(this, args);
    };
  const counted = count(wrapped);
  for (const k of ['deferred', 'immediate', 'exclusive']) counted[k] = count(wrapped[k]);
  return counted;
};

const probeDb = new Database(':memory:');
const Statement = Object.getPrototypeOf(probeDb.prepare('SELECT 1'));
probeDb.close();
sql.prepares = 0;
sql.prepareNs = 0n;

function statementStats(source) {
  const key = source.replace(/\s+/g, ' ').trim();
  let s = sql.statements.get(key);
  if (!s) {
    s = { sql: key, kind: key.split(' ')[0].toUpperCase(), calls: 0, ns: 0n, changes: 0, autocommits: 0 };
    sql.statements.set(key, s);
  }
  return s;
}

for (const method of ['run', 'get', 'all']) {
  const orig = Statement[method];
  Statement[method] = function (...args) {
    const s = statementStats(this.source);
    const autocommit = method === 'run' && !this.database.inTransaction;
    const t = hr();
    try {
      const result = orig.apply(this, args);
      if (method === 'run') s.changes += result.changes;
      return result;
    } finally {
      s.ns += hr() - t;
      s.calls++;
      if (autocommit) s.autocommits++;
    }
  };
}

// --- Report ---------------------------------------------------------------------------------
function stats() {
  const cpu = process.cpuUsage(cpuStart);
  const usage = process.resourceUsage();
  const ms = (ns) => Number(ns) / 1e6;
  return {
    wallMs: performance.now() - wallStart,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    // The histogram records each timer interval, resolution included: subtract it to get the delay.
    eventLoopDelayMs: {
      mean: excess(eld.mean),
      p50: excess(eld.percentile(50)),
      p99: excess(eld.percentile(99)),
      max: excess(eld.max),
      samples: eld.count,
      resolutionMs: RESOLUTION_MS,
    },
    peakMemory: { ...peak, maxRssEver: usage.maxRSS * 1024 },
    sqlite: {
      prepares: sql.prepares,
      prepareMs: ms(sql.prepareNs),
      transactions: sql.transactions,
      statements: [...sql.statements.values()].map((s) => ({ ...s, ns: undefined, ms: ms(s.ns) })),
    },
  };
}

if (process.send) {
  process.on('message', (message) => {
    if (message?.bench === 'reset') {
      reset();
      process.send({ bench: 'reset-done', id: message.id });
    } else if (message?.bench === 'stats') {
      process.send({ bench: 'stats', id: message.id, stats: stats() });
    }
  });
  process.channel?.unref();
}
