/** Section 6 of the report: ducklm against the simulated local model (bench/sim/). */
import { round } from './stats.mjs';

const ms = (n) => (n === null || n === undefined ? '–' : n < 10 ? round(n, 2).toFixed(2) : round(n, 1).toFixed(1));
const x = (n) => (n === null || n === undefined ? '–' : `×${round(n, 2).toFixed(2)}`);
const pct = (n) => (n === null || n === undefined ? '–' : `${round(n * 100, 1)} %`);
const list = (items) => (items.length ? items.map((t) => `"${t}"`).join(', ') : 'none');

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** "recall 266/135→11": role, prompt tokens / cached tokens → generated tokens, per call. */
const callsCell = (calls) => calls.map((c) => `${c.role}${c.aborted ? ' (hung up)' : ''} ${c.promptTokens}/${c.cachedTokens}→${c.completionTokens}`).join(', ') || '–';

export function renderSim(sim) {
  const out = [];
  const T = sim.targets;
  out.push('## 6. A simulated local model: time to first token, prompt cache, routing', '');
  out.push(
    `\`ducklm serve\` against bench/sim/, a llama-server look-alike in the bench process (ducklm's health check: "${sim.modelServer}"): ${sim.slots} slots with prompt-prefix caches (a request takes the free slot sharing the longest prefix), ` +
      'batched steps where concurrent requests share the prefill throughput and decode together, a hang-up freeing its slot at once; ChatML prompts split into word-ish tokens. ' +
      'Its answers come from an oracle that always asks for the right tool (a stand-in for a model that gets the routing right), with short (~12-token) answers. ' +
      'TTFT = first `content_delta` at the client, from sending the request; "direct" = the fewest calls to the same simulator that give that answer, in the same run. ' +
      `Medians of interleaved runs (warm-up rounds: ${sim.settings.map((s) => `${s.warmup} ${s.label}`).join(', ')}). Every measured run starts from the same simulator state: two unrelated ducklm turns answered at once, ` +
      "so both slots hold ducklm's system prompt and nothing of the measured message (no run reuses the previous run's identical prompt, and direct calls never evict ducklm's cache). " +
      'Calls are listed as role prompt/cached→generated tokens.',
    '',
  );
  out.push(
    table(
      ['setting (prefill / gen tok/s)', 'scenario', 'direct baseline', 'TTFT via ducklm ms', 'TTFT direct ms', 'ratio', 'target', 'calls started before the first answer token'],
      sim.settings.flatMap((s) =>
        s.ratios.map((r) => [
          `${s.label} (${s.prefillTps} / ${s.genTps}), ${s.runs} run${s.runs === 1 ? '' : 's'}`,
          r.label,
          r.direct,
          ms(r.viaMs),
          ms(r.directMs),
          `**${x(r.ratio)}**${r.problems.length ? ' (PROBLEM)' : ''}`,
          `≤ ${T[r.key]}`,
          callsCell(r.callsBeforeAnswer),
        ]),
      ),
    ),
    '',
  );
  out.push(
    table(
      ['setting', 'cache share (turns 2–4 of a conversation)', 'cached / prompt tokens', 'by role (cached / prompt)'],
      sim.settings.map((s) => [
        s.label,
        `**${pct(s.cache.share)}** (target ≥ ${pct(T.cacheShare)})`,
        `${s.cache.cachedTokens} / ${s.cache.promptTokens} over ${s.cache.calls.length} calls`,
        Object.entries(s.cache.byRole)
          .map(([role, v]) => `${role} ${v.cachedTokens}/${v.promptTokens}`)
          .join(', '),
      ]),
    ),
    '',
  );
  const g = sim.routing;
  out.push(
    `Routing (${g.messages} messages in ${g.languages.length} languages: ${g.counts.tool} need a tool, ${g.counts.memory} memory questions, ${g.counts.neither} neither; fresh conversation each, all ${sim.memories} memories stored, ${sim.routingSpeed.label} speed: ${sim.routingSpeed.prefillTps} / ${sim.routingSpeed.genTps} tok/s):`,
    '',
  );
  out.push(
    `- tool-needing messages that reached the planner with a tool call: **${g.toolReachedPlanner} / ${g.counts.tool}** (must be all); missed: ${list(g.missedTool)}`,
    `- memory questions answered without any action call: **${g.memoryWithoutAction} / ${g.counts.memory}**; answered with the stored fact: ${g.memoryAnsweredFromMemory} / ${g.counts.memory} (not: ${list(g.memoryNotRecalled)})`,
    `- memory + neither messages that paid for a planner call before their answer: **${g.othersPaidPlanner} / ${g.othersCount}** (any action call at all: ${g.othersAnyAction}); they are: ${list(g.paidPlanner)}`,
    '',
  );
  for (const p of sim.problems) out.push(`PROBLEM: ${p}`);
  if (sim.problems.length) out.push('');
  return out;
}
