/**
 * Time to the first answer token through ducklm against the simulated local model, each compared
 * with the fewest direct calls to the same simulator that could give that answer, and the prompt
 * cache share of a conversation's later turns.
 *
 *   hello:  ducklm "hello" (memories stored)  vs  one streamed call of the bare message;
 *   memory: ducklm "What is my name?"         vs  one streamed call carrying the memory;
 *   tool:   ducklm "Summarize the README"     vs  one non-streamed planner call (the response_format
 *           ducklm sends for the action role) answering with the file_read, then one streamed
 *           answer call carrying the README's text.
 * TTFT = first content token at the client, from sending the (first) request. Medians of
 * interleaved runs after warm-up. Every measured run starts from the same simulator state (see
 * sessionCache): runs cannot reuse each other's prompts, and direct calls never evict ducklm's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { directStream } from '../lib/client.mjs';
import { simTurn } from '../lib/sim-turn.mjs';
import { median, ratio, round } from '../lib/stats.mjs';
import { MEMORIES, README_FIRST_LINE, SCENARIO_MESSAGES } from '../sim/routing-set.mjs';

const STREAM = { stream_options: { include_usage: true } };
/** ducklm's memory block (src/runtime/prompts.ts), as a hand-written client might send it. */
const MEMORY_SYSTEM = `What you remember about the user:\n- ${MEMORIES.name}`;

export const RATIO_SCENARIOS = [
  {
    key: 'hello',
    label: '"hello", memories stored',
    direct: 'one streamed call of the bare message',
    message: SCENARIO_MESSAGES.hello,
    check: () => null,
    directRun: (ctx) => directStream(ctx.sim.baseUrl, { model: 'sim', messages: [{ role: 'user', content: SCENARIO_MESSAGES.hello }], ...STREAM }),
  },
  {
    key: 'memory',
    label: 'memory question ("What is my name?")',
    direct: 'one streamed call carrying the memory',
    message: SCENARIO_MESSAGES.name,
    check: (answer) => (answer.includes('Vladimir') ? null : `the answer does not name Vladimir: "${answer.slice(0, 80)}"`),
    directRun: (ctx) =>
      directStream(ctx.sim.baseUrl, {
        model: 'sim',
        messages: [
          { role: 'system', content: MEMORY_SYSTEM },
          { role: 'user', content: SCENARIO_MESSAGES.name },
        ],
        ...STREAM,
      }),
  },
  {
    key: 'tool',
    label: '"Summarize the README" (file_read)',
    direct: 'one planner call, then one streamed answer call carrying the README',
    message: SCENARIO_MESSAGES.readme,
    check: (answer) => (answer.includes(README_FIRST_LINE) ? null : `the README did not reach the answer: "${answer.slice(0, 80)}"`),
    directRun: directToolTurn,
  },
];

/** The same response_format ducklm sends for the action role (from its last action request). */
function actionFormat(ctx) {
  return ctx.sim.lastBody('action')?.response_format ?? { type: 'json_schema', json_schema: { name: 'action_directive', schema: { type: 'object' }, strict: true } };
}

/** Planner call (not streamed), the file read, then the streamed answer with the file's text. */
async function directToolTurn(ctx) {
  const t0 = performance.now();
  const response = await fetch(`${ctx.sim.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sim', messages: [{ role: 'user', content: SCENARIO_MESSAGES.readme }], response_format: actionFormat(ctx), temperature: 0 }),
  });
  if (!response.ok) return { ttftMs: null, answer: '', error: `planner: HTTP ${response.status}` };
  const directive = JSON.parse((await response.json()).choices[0].message.content);
  const action = directive.actions?.[0];
  if (action?.tool !== 'file_read') return { ttftMs: null, answer: '', error: `planner asked for ${JSON.stringify(directive)}` };
  const output = await readFile(join(ctx.workspace, action.args.path), 'utf8');
  const observations = JSON.stringify([{ tool: action.tool, args: action.args, ok: true, output, truncated: false }], null, 1);
  const content = `${SCENARIO_MESSAGES.readme}\n\ntool_observations:\n${observations}`;
  const offset = performance.now() - t0;
  const answer = await directStream(ctx.sim.baseUrl, { model: 'sim', messages: [{ role: 'user', content }], ...STREAM });
  return { ...answer, ttftMs: answer.ttftMs === null ? null : offset + answer.ttftMs };
}

async function directRun(ctx, scenario, cache) {
  await ctx.sim.idle();
  if (cache) ctx.sim.restore(cache);
  const r = await scenario.directRun(ctx);
  return { ttftMs: r.ttftMs, answer: r.answer ?? '', problem: r.error ?? scenario.check(r.answer ?? '') };
}

async function viaRun(ctx, scenario, cache) {
  const t = await simTurn(ctx, scenario.message, { cache });
  const problem = t.error ?? (t.done?.status !== 'completed' ? `status ${t.done?.status}` : scenario.check(t.answer));
  // Calls started before the answer's first token (the last thinker call that ran to its end; a
  // speculative one that was cancelled is among the calls before it).
  const answering = t.calls.findLast((c) => c.role === 'thinker' && !c.aborted);
  const firstToken = answering?.firstToken ?? Infinity;
  const before = t.calls.filter((c) => c.arrival < firstToken).map((c) => ({ role: c.role, promptTokens: c.promptTokens, cachedTokens: c.cachedTokens, completionTokens: c.completionTokens, aborted: c.aborted }));
  return { ttftMs: t.ttftMs, answer: t.answer, calls: before, problem };
}

const NEUTRAL = ['Good morning!', 'Guten Abend!'];

/**
 * The state every measured run starts from: a model server that has answered two unrelated ducklm
 * turns at once, so both slots hold ducklm's system prompt and nothing of the measured messages.
 * That is a user's warm server; restoring it before each run keeps one run from reusing the
 * previous run's identical prompt, and keeps the direct calls (a cold prompt either way: nothing
 * before their message is shared) from evicting ducklm's cache, which no real user would see.
 */
export async function sessionCache(ctx) {
  ctx.sim.engine.clearCaches();
  await Promise.all([simTurn(ctx, NEUTRAL[0]), simTurn(ctx, NEUTRAL[1])]);
  await ctx.sim.idle();
  return ctx.sim.snapshot();
}

export async function measureRatios(ctx, speed, { runs, warmup, cache }) {
  const { h } = ctx;
  for (let i = 0; i < warmup; i++) {
    for (const scenario of RATIO_SCENARIOS) {
      await viaRun(ctx, scenario, cache);
      await directRun(ctx, scenario, cache);
    }
  }
  const samples = Object.fromEntries(RATIO_SCENARIOS.map((s) => [s.key, { via: [], direct: [] }]));
  // Interleaved, so that any drift in the machine's speed hits both sides alike.
  for (let i = 0; i < runs; i++) {
    for (const scenario of RATIO_SCENARIOS) {
      samples[scenario.key].via.push(await viaRun(ctx, scenario, cache));
      samples[scenario.key].direct.push(await directRun(ctx, scenario, cache));
    }
  }
  return RATIO_SCENARIOS.map((scenario) => {
    const { via, direct } = samples[scenario.key];
    const viaMs = median(via.map((x) => x.ttftMs));
    const directMs = median(direct.map((x) => x.ttftMs));
    const problems = [...new Set([...via, ...direct].map((x) => x.problem).filter(Boolean))];
    const result = {
      key: scenario.key,
      label: scenario.label,
      direct: scenario.direct,
      runs,
      viaMs,
      directMs,
      ratio: ratio(viaMs, directMs),
      callsBeforeAnswer: via[0]?.calls ?? [],
      samples: { via: via.map((x) => x.ttftMs), direct: direct.map((x) => x.ttftMs) },
      answer: via[0]?.answer.slice(0, 160) ?? '',
      problems,
    };
    h.log(`  ${speed.label} ${scenario.key}: TTFT ${round(viaMs)} vs ${round(directMs)} ms (x${round(result.ratio, 2)})${problems.length ? `, PROBLEM: ${problems.join('; ')}` : ''}`);
    return result;
  });
}

/** A conversation's 2nd and later turns: cached prompt tokens / prompt tokens over all their calls. */
export async function measureCacheShare(ctx, speed, cache) {
  const turns = [SCENARIO_MESSAGES.hello, SCENARIO_MESSAGES.name, SCENARIO_MESSAGES.readme, SCENARIO_MESSAGES.thanks];
  let conversationId;
  const calls = [];
  const problems = [];
  for (const [i, message] of turns.entries()) {
    const t = await simTurn(ctx, message, { conversationId, cache: i === 0 ? cache : undefined });
    if (t.error) problems.push(`turn ${i + 1}: ${t.error}`);
    conversationId ??= t.done?.conversation_id;
    if (i > 0) calls.push(...t.calls.map((c) => ({ turn: i + 1, role: c.role, promptTokens: c.promptTokens, cachedTokens: c.cachedTokens ?? 0, aborted: c.aborted })));
  }
  const sum = (list, key) => list.reduce((n, c) => n + c[key], 0);
  const byRole = {};
  for (const c of calls) {
    byRole[c.role] ??= { calls: 0, promptTokens: 0, cachedTokens: 0 };
    byRole[c.role].calls++;
    byRole[c.role].promptTokens += c.promptTokens;
    byRole[c.role].cachedTokens += c.cachedTokens;
  }
  const result = { turns: turns.length, countedTurns: turns.length - 1, promptTokens: sum(calls, 'promptTokens'), cachedTokens: sum(calls, 'cachedTokens'), share: ratio(sum(calls, 'cachedTokens'), sum(calls, 'promptTokens')), byRole, calls, problems };
  ctx.h.log(`  ${speed.label} cache share: ${round(result.share * 100, 1)} % (${result.cachedTokens} of ${result.promptTokens} prompt tokens over ${calls.length} calls of turns 2-${turns.length})`);
  return result;
}
