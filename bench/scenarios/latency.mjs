/**
 * Sections 1-2: time to first token, total time and model calls per scenario, via ducklm against
 * the same fake called directly; with the memory store filled for the memory question.
 */
import { pool, postJson } from '../lib/client.mjs';
import { median, percentile, ratio, round } from '../lib/stats.mjs';
import { directTurn, viaTurn } from '../lib/turn.mjs';

async function latencyScenario(h, server, fake, scenario, model) {
  const { RUNS, WARMUP } = h.settings;
  await h.configure(fake, server, model);
  for (let i = 0; i < WARMUP[model.key]; i++) await viaTurn(h, server, fake, scenario);
  const body = await fake.last('thinker');
  for (let i = 0; i < WARMUP[model.key]; i++) await directTurn(h, fake, body);
  const via = [];
  const direct = [];
  // Interleaved, so that drift in the machine's speed hits both sides alike.
  for (let i = 0; i < RUNS[model.key]; i++) {
    via.push(await viaTurn(h, server, fake, scenario));
    direct.push(await directTurn(h, fake, body));
  }
  const m = (list, key) => median(list.map((x) => x[key]));
  const problems = [...via, ...direct].flatMap((x) => x.problems);
  const result = {
    scenario: scenario.key,
    label: scenario.label,
    model: model.key,
    modelLabel: model.label,
    runs: via.length,
    direct: { ttftMs: m(direct, 'ttftMs'), totalMs: m(direct, 'totalMs') },
    via: {
      ttftMs: m(via, 'ttftMs'),
      totalMs: m(via, 'totalMs'),
      ttftP90Ms: percentile(via.map((x) => x.ttftMs), 90),
      serverTtftMs: m(via, 'serverTtftMs'),
      modelTtftMs: m(via, 'modelTtftMs'),
      modelTotalMs: m(via, 'modelTotalMs'),
      ownTtftMs: m(via, 'ownTtftMs'),
      ownTotalMs: m(via, 'ownTotalMs'),
      doneMs: m(via, 'doneMs'),
      lastTokenToDoneMs: m(via, 'lastTokenToDoneMs'),
    },
    ttftRatio: ratio(m(via, 'ttftMs'), m(direct, 'ttftMs')),
    totalRatio: ratio(m(via, 'totalMs'), m(direct, 'totalMs')),
    addedTtftPct: (ratio(m(via, 'ttftMs'), m(direct, 'ttftMs')) - 1) * 100,
    calls: {
      modelCalls: m(via, 'modelCalls'),
      roles: via[0]?.roles ?? [],
      backgroundCalls: m(via, 'backgroundCalls'),
      promptTokens: m(via, 'promptTokens'),
      completionTokens: m(via, 'completionTokens'),
      backgroundPromptTokens: m(via, 'backgroundPromptTokens'),
      preAnswerCalls: via[0]?.preAnswerCalls ?? [],
    },
    samples: { via: via.map(({ problems: _, preAnswerCalls: __, ...x }) => x), direct: direct.map(({ problems: _, ...x }) => x) },
    problems: [...new Set(problems)],
  };
  h.log(`  ${scenario.key} @ ${model.label}: TTFT ${round(result.via.ttftMs)} vs ${round(result.direct.ttftMs)} ms (x${round(result.ttftRatio, 2)}), total ${round(result.via.totalMs)} vs ${round(result.direct.totalMs)} ms${problems.length ? `, PROBLEMS: ${result.problems.join('; ')}` : ''}`);
  return result;
}

const MEMORY_SUBJECTS = ['The user', "The user's sister", "The user's team", 'The project', 'The home server', "The user's laptop", 'The garden', 'The book club', "The user's manager", 'The cat'];
const MEMORY_FACTS = [
  'prefers tea over coffee in the morning',
  'runs Debian 12 with a custom kernel',
  'uses PostgreSQL 15 for the billing service',
  'goes hiking every second weekend',
  'keeps backups on an external disk',
  'likes short answers without emojis',
  'works from Lisbon in the winter',
  'was migrated to a new router last spring',
  'plays chess on Tuesday evenings',
  'writes notes in Markdown',
  'has a meeting about the budget on Fridays',
  'reads science fiction before bed',
  'deploys with a Makefile and rsync',
  'avoids meetings before ten',
  'is allergic to peanuts',
  'has a dog named Bruno',
];
/** Varied, realistic memories; one in a hundred mentions a name, so full-text search has rivals. */
function fillerMemory(i) {
  const subject = MEMORY_SUBJECTS[i % MEMORY_SUBJECTS.length];
  const fact = MEMORY_FACTS[(i * 7) % MEMORY_FACTS.length];
  return `${subject} ${fact} (note ${i}, tag t${(i * 2654435761) % 9973}).`;
}

async function storeMemories(h, server, count) {
  const relevantAt = Math.floor(count / 2);
  const CHUNK = Math.min(1000, count);
  const chunks = [];
  const t0 = performance.now();
  for (let from = 0; from < count; from += CHUNK) {
    const items = Array.from({ length: Math.min(CHUNK, count - from) }, (_, k) => from + k);
    const c0 = performance.now();
    await pool(items, 8, (i) =>
      postJson(`${server.url}/v1/memory`, h.settings.TOKEN, {
        text: i === relevantAt ? "The user's name is Vladimir." : fillerMemory(i),
        scope: 'global',
        memory_type: i === relevantAt ? 'fact' : 'note',
        importance: i === relevantAt ? 0.6 : round(0.1 + ((i * 37) % 80) / 100, 2),
      }),
    );
    chunks.push({ from, count: items.length, perSecond: items.length / ((performance.now() - c0) / 1000) });
  }
  const ms = performance.now() - t0;
  const result = { count, seconds: ms / 1000, perSecond: count / (ms / 1000), firstChunkPerSecond: chunks[0].perSecond, lastChunkPerSecond: chunks.at(-1).perSecond, chunks };
  h.log(`  stored ${count} memories through POST /v1/memory in ${round(ms / 1000, 1)} s (${Math.round(result.firstChunkPerSecond)}/s for the first ${CHUNK}, ${Math.round(result.lastChunkPerSecond)}/s for the last)`);
  return result;
}

/** SQLite work of one memory-question turn with 10k memories (from the probe, over a few turns). */
async function memoryTurnSqlite(h, server, fake) {
  const { MODELS, QUICK, SCENARIOS } = h.settings;
  await h.configure(fake, server, MODELS.zero);
  const turns = QUICK ? 3 : 10;
  await server.resetProbe();
  for (let i = 0; i < turns; i++) await viaTurn(h, server, fake, SCENARIOS.memory_question);
  const probe = await server.probe();
  const ignore = /FROM tasks WHERE id|FROM task_events WHERE task_id = \? ORDER/; // the bench's own polling
  return probe.sqlite.statements
    .filter((s) => s.kind === 'SELECT' && !ignore.test(s.sql))
    .map((s) => ({ sql: s.sql.slice(0, 120), perTurn: s.calls / turns, msPerCall: s.ms / s.calls }))
    .sort((a, b) => b.msPerCall * b.perTurn - a.msPerCall * a.perTurn)
    .slice(0, 5);
}

/** Every scenario at both model speeds on one fresh server; the memory question after the store is filled. */
export async function measureLatency(h, server, fake) {
  const { MEMORY_COUNT, MODELS, SCENARIOS } = h.settings;
  const latency = [];
  for (const model of [MODELS.zero, MODELS.real]) {
    for (const scenario of [SCENARIOS.direct_chat, SCENARIOS.tool_call]) latency.push(await latencyScenario(h, server, fake, scenario, model));
  }
  const memories = await storeMemories(h, server, MEMORY_COUNT);
  for (const model of [MODELS.zero, MODELS.real]) latency.push(await latencyScenario(h, server, fake, SCENARIOS.memory_question, model));
  return { latency, memories, memoryTurnSqlite: await memoryTurnSqlite(h, server, fake) };
}
