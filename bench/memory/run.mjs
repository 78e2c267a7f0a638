/**
 * `npm run bench:memory`: candidate retrieval quality and speed on a generated memory set.
 *
 * Known facts (English and Russian) are hidden among generated distractors; each fact has
 * questions in other word forms and paraphrases. For 1k, 10k and 100k memories it prints
 * hit@1 and hit@5 (is the fact first / in the top five candidates the recall judge would see)
 * and the latency of one candidate search (p50, p99). The `before` row runs the search ducklm
 * used until now (unstemmed FTS5 with word prefixes) on the same 10k set.
 *
 * Runs on the built code in dist/ (the npm script builds first); no model is involved.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lexicalCandidates } from '../../dist/memory/candidates.js';
import { Store } from '../../dist/store/store.js';
import { distractors, seeded } from './distractors.mjs';
import { FACTS } from './facts.mjs';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKSPACE = '/ws/main';
const VIEW = { view: { workspace: WORKSPACE } };
const NOW = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

const isRussian = (text) => /\p{Script=Cyrillic}/u.test(text);

function queries() {
  return FACTS.flatMap((fact, index) => [
    ...fact.forms.map((q) => ({ q, index, kind: 'forms', lang: isRussian(q) ? 'ru' : 'en' })),
    ...fact.paraphrase.map((q) => ({ q, index, kind: 'paraphrase', lang: isRussian(q) ? 'ru' : 'en' })),
  ]);
}

/** A store with the facts and `size - facts` distractors; ages and importance are random for all alike. */
function build(size, dir) {
  const store = Store.open(join(dir, `bench-${size}.sqlite3`));
  const pick = seeded(size);
  const texts = distractors(size - FACTS.length, 11);
  const factIds = [];
  const started = performance.now();
  const add = (text, scope, workspace) => {
    const created = new Date(NOW - Math.floor(pick.random() * 365) * DAY).toISOString();
    return store.memories.add({ text, memory_type: 'fact', scope, workspace, conversation_id: null, importance: 0.3 + pick.random() * 0.6, metadata: {}, source_task_id: null, created_at: created, updated_at: created }).id;
  };
  store.db.transaction(() => {
    // Facts are spread through the distractors, a third of them in the workspace's own scope.
    const every = Math.max(1, Math.floor(texts.length / FACTS.length));
    let next = 0;
    texts.forEach((text, i) => {
      if (i % every === 0 && next < FACTS.length) factIds.push(add(FACTS[next].text, next % 3 === 0 ? 'workspace' : 'global', next++ % 3 === 0 ? WORKSPACE : null));
      const r = pick.random();
      // Some belong to another workspace: invisible from ours, and they must stay so.
      add(text, r < 0.6 ? 'global' : 'workspace', r < 0.6 ? null : r < 0.85 ? '/ws/other' : WORKSPACE);
    });
    while (next < FACTS.length) factIds.push(add(FACTS[next].text, 'global', null)), next++;
  })();
  return { store, factIds, buildMs: performance.now() - started };
}

/** What recall did before this change: unstemmed FTS5 on the raw text, each word by its leading letters. */
function beforeSearch(store) {
  store.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS old_fts USING fts5(text, content = 'memories', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2');
    INSERT INTO old_fts(old_fts) VALUES ('rebuild');`);
  const select = store.db.prepare(`SELECT m.id FROM old_fts f JOIN memories m ON m.rowid = f.rowid
    WHERE old_fts MATCH @query AND m.superseded_by IS NULL AND (m.scope = 'global' OR (m.scope = 'workspace' AND m.workspace = @workspace))
    ORDER BY bm25(old_fts) LIMIT 8`);
  return (message) => {
    const words = message.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const terms = [...new Set(words.filter((w) => w.length >= 3).map((w) => (w.length > 5 ? w.slice(0, Math.max(4, Math.ceil(w.length * 0.7))) : w)))];
    return terms.length ? select.all({ query: terms.map((t) => `"${t}"*`).join(' OR '), workspace: WORKSPACE }).map((r) => r.id) : [];
  };
}

function score(search, factIds, list) {
  const rows = {};
  for (const { q, index, kind, lang } of list) {
    const ids = search(q);
    if (process.env.BENCH_MISSES && ids[0] !== factIds[index]) console.error(`miss (rank ${ids.indexOf(factIds[index])}): ${q} → ${FACTS[index].text}`);
    for (const key of ['all', `${lang}/${kind}`]) {
      rows[key] ??= { n: 0, hit1: 0, hit5: 0 };
      rows[key].n++;
      if (ids[0] === factIds[index]) rows[key].hit1++;
      if (ids.slice(0, 5).includes(factIds[index])) rows[key].hit5++;
    }
  }
  return rows;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function timed(search, list) {
  for (const { q } of list) search(q); // warm the page cache and statement cache
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const { q } of list) {
      const t = process.hrtime.bigint();
      search(q);
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

const pct = (r) => (r ? `${((100 * r.hit1) / r.n).toFixed(0)}% / ${((100 * r.hit5) / r.n).toFixed(0)}%` : '- / -');
const ms = (x) => x.toFixed(2);

const dir = mkdtempSync(join(tmpdir(), 'ducklm-bench-memory-'));
try {
  const list = queries();
  const results = [];
  for (const size of SIZES) {
    const { store, factIds, buildMs } = build(size, dir);
    const ours = (q) => lexicalCandidates(store.memories, VIEW, q, { limit: 8, now: NOW }).map((c) => c.memory.id);
    results.push({ label: `ducklm ${size}`, size, buildMs, quality: score(ours, factIds, list), latency: timed(ours, list) });
    if (size === 10_000) {
      const before = beforeSearch(store);
      results.push({ label: `before ${size}`, size, buildMs: NaN, quality: score(before, factIds, list), latency: timed(before, list) });
    }
    store.close();
  }
  const kinds = ['en/forms', 'ru/forms', 'en/paraphrase', 'ru/paraphrase'];
  console.log(`\nMemory candidate retrieval: ${FACTS.length} known facts (${list.length} questions) among generated distractors; top 8 candidates.\n`);
  console.log(`| search | memories | all hit@1 / @5 | ${kinds.map((k) => `${k} @1 / @5`).join(' | ')} | p50 ms | p99 ms | build s |`);
  console.log(`| --- | ---: | --- | ${kinds.map(() => '---').join(' | ')} | ---: | ---: | ---: |`);
  for (const r of results) {
    const cells = [pct(r.quality.all), ...kinds.map((k) => pct(r.quality[k]))];
    console.log(`| ${r.label.split(' ')[0]} | ${r.size} | ${cells.join(' | ')} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${Number.isNaN(r.buildMs) ? '-' : (r.buildMs / 1000).toFixed(1)} |`);
  }
  console.log(`\nQuestions per kind: ${kinds.map((k) => `${k} ${results[0]?.quality[k]?.n ?? 0}`).join(', ')}. Latency: ${ROUNDS} rounds of every question, one search each.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
