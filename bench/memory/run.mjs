/**
 * `npm run bench:memory`: candidate retrieval quality and speed on a generated memory set.
 *
 * Known facts (English and Russian) are hidden among generated distractors and hard negatives
 * (the same facts about the user's colleague, neighbour, brother, manager: see facts.mjs); each
 * fact has questions in other word forms and paraphrases. For 2k, 10k and 100k memories it
 * prints hit@1 and hit@5 (is the fact first / in the top five candidates the recall judge
 * would see) and the latency of one candidate search (p50, p99). At 10k it also runs:
 * - `words only`: the same search with every memory's subject forgotten (what ranking did
 *   before memories knew whom they are about);
 * - `before`: the search of the first version (unstemmed FTS5 with word prefixes);
 * - `hybrid`: lexical plus vectors from a controlled embedder (concept-embedder.mjs), the path
 *   recall takes when the model server offers embeddings;
 * - `· policy subjects`: facts and hard negatives stored with the subject the memory policy
 *   would name (as memories written after a turn are), instead of read from the text.
 *
 * Runs on the built code in dist/ (the npm script builds first); no model is involved.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hybridCandidates, lexicalCandidates } from '../../dist/memory/candidates.js';
import { MemoryVectors } from '../../dist/memory/embeddings.js';
import { Store } from '../../dist/store/store.js';
import { conceptEmbedder, conceptVector } from './concept-embedder.mjs';
import { distractors, seeded } from './distractors.mjs';
import { FACTS, RELATIONS } from './facts.mjs';

const SIZES = (process.env.BENCH_SIZES ?? '2000,10000,100000').split(',').map(Number);
/** Hard negatives per fact that has them: every relation, this many details each. */
const NEGATIVE_VARIANTS = 4;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKSPACE = '/ws/main';
const VIEW = { view: { workspace: WORKSPACE } };
const NOW = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

const isRussian = (text) => /\p{Script=Cyrillic}/u.test(text);

function queries() {
  return FACTS.flatMap((fact, index) => [
    ...fact.forms.map((q) => ({ q, index, kind: 'forms', hard: Boolean(fact.negative), lang: isRussian(q) ? 'ru' : 'en' })),
    ...fact.paraphrase.map((q) => ({ q, index, kind: 'paraphrase', hard: Boolean(fact.negative), lang: isRussian(q) ? 'ru' : 'en' })),
  ]);
}

function hardNegatives() {
  const pick = seeded(3);
  return FACTS.flatMap((fact) =>
    fact.negative
      ? RELATIONS.flatMap((r) =>
          Array.from({ length: NEGATIVE_VARIANTS }, () => {
            const text = fact.negative(r, pick);
            return { text, subject: isRussian(text) ? `${r.nom} пользователя` : `user's ${r.en}` };
          }),
        )
      : [],
  );
}

/**
 * A store with the facts, their hard negatives and distractors up to `size`; ages and importance
 * are random for all alike. With `policySubjects`, facts and hard negatives are stored with the
 * subject a memory policy would name (facts.mjs); else every subject is read from the text.
 */
function build(size, dir, policySubjects = false) {
  const store = Store.open(join(dir, `bench-${size}-${policySubjects}.sqlite3`));
  const pick = seeded(size);
  const negatives = hardNegatives();
  const filler = distractors(size - FACTS.length - negatives.length, 11).map((text) => ({ text, subject: null }));
  // Hard negatives are spread through the distractors.
  const texts = filler.flatMap((item, i) => (i < negatives.length ? [item, negatives[i]] : [item]));
  const factIds = [];
  const started = performance.now();
  const add = ({ text, subject }, scope, workspace) => {
    const created = new Date(NOW - Math.floor(pick.random() * 365) * DAY).toISOString();
    const given = policySubjects && subject ? { subject } : {};
    return store.memories.add({ text, memory_type: 'fact', scope, workspace, conversation_id: null, importance: 0.3 + pick.random() * 0.6, metadata: {}, source_task_id: null, created_at: created, updated_at: created, ...given }).id;
  };
  const fact = (i) => ({ text: FACTS[i].text, subject: FACTS[i].subject ?? 'user' });
  store.db.transaction(() => {
    // Facts are spread through the distractors, a third of them in the workspace's own scope.
    const every = Math.max(1, Math.floor(texts.length / FACTS.length));
    let next = 0;
    texts.forEach((item, i) => {
      if (i % every === 0 && next < FACTS.length) factIds.push(add(fact(next), next % 3 === 0 ? 'workspace' : 'global', next++ % 3 === 0 ? WORKSPACE : null));
      const r = pick.random();
      // Some belong to another workspace: invisible from ours, and they must stay so.
      add(item, r < 0.6 ? 'global' : 'workspace', r < 0.6 ? null : r < 0.85 ? '/ws/other' : WORKSPACE);
    });
    while (next < FACTS.length) factIds.push(add(fact(next), 'global', null)), next++;
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

async function score(search, factIds, list, label) {
  const rows = {};
  for (const { q, index, kind, lang, hard } of list) {
    const ids = await search(q);
    if (process.env.BENCH_MISSES && !ids.slice(0, 5).includes(factIds[index])) console.error(`${label} miss (rank ${ids.indexOf(factIds[index])}): ${q} → ${FACTS[index].text}`);
    for (const key of [kind, `${lang}/${kind}`, ...(hard ? [`hard/${kind}`] : [])]) {
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

async function timed(search, list) {
  for (const { q } of list) await search(q); // warm the page cache and statement cache
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const { q } of list) {
      const t = process.hrtime.bigint();
      await search(q);
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

const pct = (r) => (r ? `${((100 * r.hit1) / r.n).toFixed(0)}% / ${((100 * r.hit5) / r.n).toFixed(0)}%` : '- / -');
const ms = (x) => x.toFixed(2);

/** Vectors for every memory, as recall would have stored them with an embedding model. */
function embedAll(store) {
  const vectors = new MemoryVectors(store.db);
  const rows = store.db.prepare('SELECT id, text FROM memories').all();
  store.db.transaction(() => rows.forEach((r) => vectors.save(r.id, conceptEmbedder.model, conceptVector(r.text))))();
  return vectors;
}

const dir = mkdtempSync(join(tmpdir(), 'ducklm-bench-memory-'));
try {
  const list = queries();
  const results = [];
  const measure = async (label, size, buildMs, search) => {
    results.push({ label, size, buildMs, quality: await score(search, factIds, list, label), latency: await timed(search, list) });
  };
  let factIds;
  for (const size of SIZES) {
    const built = build(size, dir);
    const { store, buildMs } = built;
    factIds = built.factIds;
    const lexical = (q) => lexicalCandidates(store.memories, VIEW, q, { limit: 8, now: NOW }).map((c) => c.memory.id);
    await measure('ducklm', size, buildMs, lexical);
    if (size === 10_000) {
      const hybrid = (s) => async (q) => (await hybridCandidates(s.memories, conceptEmbedder, VIEW, q, { limit: 8, now: NOW })).map((c) => c.memory.id);
      embedAll(store);
      await measure('hybrid', size, NaN, hybrid(store));
      const policy = build(size, dir, true);
      factIds = policy.factIds;
      const policyLexical = (q) => lexicalCandidates(policy.store.memories, VIEW, q, { limit: 8, now: NOW }).map((c) => c.memory.id);
      await measure('ducklm · policy subjects', size, policy.buildMs, policyLexical);
      embedAll(policy.store);
      await measure('hybrid · policy subjects', size, NaN, hybrid(policy.store));
      policy.store.close();
      factIds = built.factIds;
      const before = beforeSearch(store);
      await measure('before', size, NaN, before);
      // Forget whom every memory is about: ranking by words alone.
      store.db.exec("UPDATE memories SET subject = NULL, about = ''");
      await measure('words only', size, NaN, lexical);
    }
    store.close();
  }
  const kinds = ['forms', 'hard/forms', 'en/forms', 'ru/forms', 'paraphrase', 'en/paraphrase', 'ru/paraphrase'];
  const count = (k) => results[0]?.quality[k]?.n ?? 0;
  console.log(`\nMemory candidate retrieval: ${FACTS.length} known facts (${list.length} questions) among hard negatives (${hardNegatives().length}) and distractors; top 8 candidates.\n`);
  console.log(`| search | memories | ${kinds.map((k) => `${k} @1 / @5`).join(' | ')} | p50 ms | p99 ms | build s |`);
  console.log(`| --- | ---: | ${kinds.map(() => '---').join(' | ')} | ---: | ---: | ---: |`);
  for (const r of results) {
    const cells = kinds.map((k) => pct(r.quality[k]));
    console.log(`| ${r.label} | ${r.size} | ${cells.join(' | ')} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${Number.isNaN(r.buildMs) ? '-' : (r.buildMs / 1000).toFixed(1)} |`);
  }
  console.log(`\nQuestions per kind: ${kinds.map((k) => `${k} ${count(k)}`).join(', ')}. hard/…: questions whose fact has hard negatives. Latency: ${ROUNDS} rounds of every question, one search each.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
