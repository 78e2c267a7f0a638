/** Section 5: storage, what "hello" turns write to SQLite and how fast the database grows. */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { chatStream, pool } from '../lib/client.mjs';
import { sleep } from '../lib/harness.mjs';
import { round } from '../lib/stats.mjs';
import { viaTurn } from '../lib/turn.mjs';

const TABLES = ['conversations', 'messages', 'tasks', 'task_events', 'approvals', 'memories', 'experience', 'rules'];

function snapshot(dbPath) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get().n]));
    const eventRows = Object.fromEntries(db.prepare('SELECT event_type, COUNT(*) AS n FROM task_events GROUP BY event_type').all().map((r) => [r.event_type, r.n]));
    const payloadBytes = db.prepare('SELECT COALESCE(SUM(LENGTH(payload)), 0) AS n FROM task_events').get().n;
    const stateBytes = db.prepare('SELECT COALESCE(SUM(LENGTH(state)), 0) AS n FROM tasks').get().n;
    const pageSize = db.pragma('page_size', { simple: true });
    const pageCount = db.pragma('page_count', { simple: true });
    const fileBytes = (p) => (existsSync(p) ? statSync(p).size : 0);
    return { rows, eventRows, payloadBytes, stateBytes, dbBytes: pageSize * pageCount, fileBytes: fileBytes(dbPath), walBytes: fileBytes(`${dbPath}-wal`) };
  } finally {
    db.close();
  }
}

/** Turns on a fresh `ducklm serve`, counted in the database file and by the probe inside the server. */
export async function measureStorage(h, fake) {
  const { ANSWER_TOKENS, MODELS, SCENARIOS, STORAGE_TURNS, STORAGE_TURNS_PER_CONVERSATION, TOKEN } = h.settings;
  const server = await h.newDucklm('serve', 'storage', fake);
  await h.configure(fake, server, MODELS.zero);
  // Warm up (and give the database its first pages) before the baseline snapshot.
  for (let i = 0; i < 5; i++) await viaTurn(h, server, fake, SCENARIOS.direct_chat);
  const before = snapshot(server.dbPath);
  await server.resetProbe();
  const conversations = Math.ceil(STORAGE_TURNS / STORAGE_TURNS_PER_CONVERSATION);
  const t0 = performance.now();
  let failures = 0;
  const taskIds = [];
  await pool(Array.from({ length: conversations }, (_, i) => i), 4, async () => {
    let conversationId;
    for (let t = 0; t < STORAGE_TURNS_PER_CONVERSATION; t++) {
      const r = await chatStream(server.url, TOKEN, { message: t % 2 ? 'hello again' : 'hello', workspace: h.workspace, ...(conversationId ? { conversation_id: conversationId } : {}) });
      if (r.error || r.done?.status !== 'completed') failures++;
      conversationId ??= r.done?.conversation_id;
      if (r.taskId) taskIds.push(r.taskId);
    }
  });
  const turns = conversations * STORAGE_TURNS_PER_CONVERSATION;
  // Every turn's memory policy must have written its events before counting.
  const db = new Database(server.dbPath, { readonly: true });
  const deadline = performance.now() + 120_000;
  const decided = () => db.prepare("SELECT COUNT(*) AS n FROM task_events WHERE event_type IN ('memory_policy_decision', 'memory_policy_failed')").get().n;
  const target = before.eventRows.memory_policy_decision ?? 0;
  while (decided() < target + turns && performance.now() < deadline) await sleep(50);
  db.close();
  const seconds = (performance.now() - t0) / 1000;
  const probe = await server.probe();
  const after = snapshot(server.dbPath);

  const per = (n) => n / turns;
  const writes = probe.sqlite.statements.filter((s) => /^(INSERT|UPDATE|DELETE|REPLACE)$/.test(s.kind));
  const reads = probe.sqlite.statements.filter((s) => s.kind === 'SELECT');
  const writeStatements = writes.reduce((n, s) => n + s.calls, 0);
  const commits = writes.reduce((n, s) => n + s.autocommits, 0) + probe.sqlite.transactions;
  const sqliteMs = probe.sqlite.statements.reduce((n, s) => n + s.ms, 0) + probe.sqlite.prepareMs;
  const rowsPerTurn = Object.fromEntries(TABLES.map((t) => [t, per(after.rows[t] - before.rows[t])]).filter(([, v]) => v));
  const eventRowsPerTurn = Object.fromEntries(Object.keys(after.eventRows).map((k) => [k, per(after.eventRows[k] - (before.eventRows[k] ?? 0))]).filter(([, v]) => v));
  const result = {
    turns,
    failures,
    seconds,
    answerTokensPerTurn: ANSWER_TOKENS,
    writeStatementsPerTurn: per(writeStatements),
    commitsPerTurn: per(commits),
    rowsPerTurn,
    eventRowsPerTurn,
    deltaRowsPerTurn: per((after.eventRows.content_delta ?? 0) - (before.eventRows.content_delta ?? 0)),
    eventPayloadBytesPerTurn: per(after.payloadBytes - before.payloadBytes),
    taskStateBytesPerTurn: per(after.stateBytes - before.stateBytes),
    dbGrowthBytesPer1000Turns: ((after.dbBytes - before.dbBytes) / turns) * 1000,
    dbBytesAfter: after.dbBytes,
    walBytesAfter: after.walBytes,
    sqliteMsPerTurn: per(sqliteMs),
    prepareMsPerTurn: per(probe.sqlite.prepareMs),
    preparesPerTurn: per(probe.sqlite.prepares),
    readStatementsPerTurn: per(reads.reduce((n, s) => n + s.calls, 0)),
    statements: probe.sqlite.statements
      .map((s) => ({ sql: s.sql.slice(0, 100), kind: s.kind, perTurn: per(s.calls), autocommitsPerTurn: per(s.autocommits), msPerCall: s.calls ? s.ms / s.calls : 0 }))
      .sort((a, b) => b.perTurn * b.msPerCall - a.perTurn * a.msPerCall),
  };
  h.log(`  storage: ${turns} turns in ${round(seconds, 1)} s; ${round(result.writeStatementsPerTurn, 2)} write statements and ${round(result.commitsPerTurn, 2)} commits a turn; ${round(result.dbGrowthBytesPer1000Turns / 2 ** 20, 2)} MiB per 1,000 turns`);
  return result;
}
