/** The bench's markdown report, from the results object that also goes to latest.json. */
import { renderSim } from './report-sim.mjs';
import { round } from './stats.mjs';

const ms = (n) => (n === null || n === undefined ? '–' : n < 10 ? round(n, 2).toFixed(2) : round(n, 1).toFixed(1));
const x = (n) => (n === null || n === undefined ? '–' : `×${round(n, 2).toFixed(2)}`);
const int = (n) => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en'));
const num = (n, d = 2) => (n === null || n === undefined ? '–' : String(round(n, d)));
const mib = (bytes) => `${round(bytes / 2 ** 20, 2)} MiB`;
const pair = (o) => `${ms(o.p50)} / ${ms(o.p99)}`;

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderReport(r) {
  const m = r.machine;
  const out = [];
  out.push('# ducklm benchmark', '');
  out.push(
    `${r.generatedAt.slice(0, 10)}; ${m.nproc} CPU(s), ${m.cpuModel}, ${m.memoryGB} GB RAM; Node ${m.node} (${m.platform}); ${Math.round(r.durationSeconds)} s.${r.quick ? ' **Quick run: too few samples to quote.**' : ''}${r.sections ? ` Sections run: ${r.sections.join(', ')}.` : ''}`,
    '',
  );
  // Sections 1-5 measure against the fake model; section 6 describes its simulated model itself.
  if (r.latency?.length || r.relay?.length || r.concurrency?.length || r.storage || r.follow) {
    out.push(
      'The model is a fake OpenAI-compatible server (bench/fake-model.mjs, its own process) with a set time to first token (TTFT) and tokens per second; ' +
        `every answer is ${r.settings.answerTokens} tokens. "Direct" is the same fake called by the bench client with the thinker's own request; ratio = via ducklm / direct. ` +
        'Times are measured by the client, from sending the request to the first `content_delta` (TTFT) and to the end of the stream (total).',
      '',
    );
  }

  if (r.latency?.length) {
    out.push('## 1–2. Time to first token, total time, model calls', '');
    out.push(`Medians of ${r.settings.runs.zero} runs (0 ms model) and ${r.settings.runs.real} runs (200 ms model), after warm-up. "ducklm's own" = via-ducklm time minus the model time the fake spent on that turn's calls before the first token / in total (so: pipeline, store, HTTP, SDK). Calls = model calls on the answer's path (from \`done.generation_stats\`), + the memory-policy call after \`done\`.`, '');
    out.push(
      table(
        ['scenario', 'model', 'TTFT direct ms', 'TTFT via ducklm ms', 'TTFT ratio', 'total direct ms', 'total via ducklm ms', 'total ratio', "ducklm's own TTFT / total ms", 'model calls (+ after done)', 'prompt tokens / turn (+ after done)'],
        r.latency.map((l) => [
          l.label,
          l.modelLabel,
          ms(l.direct.ttftMs),
          ms(l.via.ttftMs),
          x(l.ttftRatio),
          ms(l.direct.totalMs),
          ms(l.via.totalMs),
          x(l.totalRatio),
          `${ms(l.via.ownTtftMs)} / ${ms(l.via.ownTotalMs)}`,
          `${l.calls.modelCalls} (${l.calls.roles.join(', ')}) + ${l.calls.backgroundCalls}`,
          `${int(l.calls.promptTokens)} + ${int(l.calls.backgroundPromptTokens)}`,
        ]),
      ),
      '',
    );
    const tail = r.latency.filter((l) => l.model === 'zero').map((l) => `${l.scenario} ${ms(l.via.lastTokenToDoneMs)} ms`);
    out.push(`From the last answer token to the \`done\` event at the client (0 ms model, median): ${tail.join(', ')}.`, '');
    if (r.memories) {
      out.push(
        `${int(r.memories.count)} memories stored through \`POST /v1/memory\` (8 in flight) in ${num(r.memories.seconds, 1)} s: ${int(r.memories.firstChunkPerSecond)} / s for the first ${int(r.memories.chunks[0].count)}, ${int(r.memories.lastChunkPerSecond)} / s for the last.`,
        '',
      );
    }
    if (r.memoryTurnSqlite?.length) {
      out.push(`Costliest SQLite reads of a memory-question turn with ${int(r.memories?.count)} memories (inside the server, via the probe):`, '');
      out.push(table(['statement', 'per turn', 'ms per call'], r.memoryTurnSqlite.map((s) => [`\`${s.sql.replace(/\|/g, '\\|')}…\``, num(s.perTurn), ms(s.msPerCall)])), '');
    }
    const problems = r.latency.filter((l) => l.problems.length);
    if (problems.length) out.push(`**Problems:** ${problems.map((l) => `${l.scenario}/${l.model}: ${l.problems.join('; ')}`).join(' — ')}`, '');
  }

  if (r.relay?.length) {
    out.push('## 3. Relay throughput (one stream, infinitely fast model)', '');
    out.push(`${int(r.settings.relayTokens)} tokens per stream, median of ${r.settings.relayRuns} streams after one warm-up; tokens/s = tokens ÷ time from the request to the last token at the client. CPU per 1,000 tokens is measured inside the server process (process.cpuUsage) and in the bench client.`, '');
    const direct = r.relay.find((l) => l.path === 'direct');
    out.push(
      table(
        ['path', 'tokens / s', 'vs direct', 'slowest stream tok/s', 'server CPU ms / 1k tokens', 'client CPU ms / 1k tokens', 'server event-loop delay max ms', 'server peak RSS'],
        r.relay.map((l) => [l.label, int(l.tokensPerSecond), x(direct ? l.tokensPerSecond / direct.tokensPerSecond : null), int(l.minTokensPerSecond), ms(l.serverCpuMsPer1k), ms(l.clientCpuMsPer1k), ms(l.eventLoopDelayMaxMs), l.peakRssMB ? `${int(l.peakRssMB)} MB` : '–']),
      ),
      '',
    );
  }

  if (r.concurrency?.length) {
    out.push('## 4. Concurrency ("hello" chats, all sent at once)', '');
    out.push(`Each level is sent as ${r.concurrency[0]?.bursts ?? 1} burst(s) of simultaneous chats, after 3 warm-up turns; percentiles pool the bursts.`, '');
    out.push(
      'Added latency = client-measured time minus what the model itself took (its TTFT; its TTFT + 39 token intervals); the direct columns are the same chats sent straight to the fake, as a baseline. ' +
        'Event-loop delay (monitorEventLoopDelay, 10 ms resolution, resolution subtracted), peak memory (process.memoryUsage sampled every 20 ms) and CPU come from the probe inside the server process, ' +
        'over the whole burst including the memory-policy calls after each answer. "serve" = `ducklm serve` with its OpenAI client over HTTP to the fake; "inproc" = `createApp()` with a fake ModelClient object.',
      '',
    );
    out.push(
      table(
        ['server', 'model', 'chats × bursts', 'errors', 'added TTFT p50 / p99 ms', 'added total p50 / p99 ms', 'direct: added TTFT p50 / p99 ms', 'event-loop delay p50 / p99 / max ms', 'peak RSS / heap MB', 'server CPU ms / chat'],
        r.concurrency.map((c) => [
          c.server,
          c.modelLabel,
          `${c.chats} × ${c.bursts}`,
          c.errors ? `**${c.errors}**` : '0',
          pair(c.addedTtftMs),
          pair(c.addedTotalMs),
          c.direct ? pair(c.direct.addedTtftMs) : '–',
          `${ms(c.eventLoopDelayMs.p50)} / ${ms(c.eventLoopDelayMs.p99)} / ${ms(c.eventLoopDelayMs.max)}`,
          `${int(c.peakRssMB)} / ${int(c.peakHeapUsedMB)}`,
          ms(c.serverCpuMsPerChat),
        ]),
      ),
      '',
    );
    if (r.idleMemory) out.push(`Idle server after start, for comparison: RSS ${int(r.idleMemory.serve.rssMB)} MB (serve), ${int(r.idleMemory.inproc.rssMB)} MB (inproc).`, '');
    const errs = r.concurrency.filter((c) => c.errors);
    if (errs.length) out.push(`Errors: ${errs.map((c) => `${c.server}/${c.model}/${c.chats}: ${c.errorSamples.join(' | ')}`).join(' — ')}`, '');
  }

  if (r.storage) {
    const s = r.storage;
    out.push('## 5. Storage', '');
    out.push(`${int(s.turns)} "hello" turns (0 ms model, ${s.answerTokensPerTurn} answer tokens each, conversations of 10 turns, 4 at a time) against a fresh \`ducklm serve\`; rows counted in the database file, statements counted inside the server by the probe (after-answer memory policy included).`, '');
    out.push(
      table(
        ['measure', 'per turn'],
        [
          ['SQLite write statements (INSERT/UPDATE)', num(s.writeStatementsPerTurn)],
          ['commits (autocommit writes + transactions)', num(s.commitsPerTurn)],
          ['SQLite time in the server, ms (of it, statement preparation)', `${ms(s.sqliteMsPerTurn)} (${ms(s.prepareMsPerTurn)}, ${num(s.preparesPerTurn, 1)} prepares)`],
          ['rows added', Object.entries(s.rowsPerTurn).map(([t, n]) => `${t} ${num(n)}`).join(', ')],
          ['task_events rows by type', Object.entries(s.eventRowsPerTurn).map(([t, n]) => `${t} ${num(n)}`).join(', ')],
          [`content_delta rows for ${s.answerTokensPerTurn} streamed tokens`, num(s.deltaRowsPerTurn)],
          ['event payload bytes / task state bytes', `${int(s.eventPayloadBytesPerTurn)} / ${int(s.taskStateBytesPerTurn)}`],
          ['**database growth per 1,000 turns**', `**${mib(s.dbGrowthBytesPer1000Turns)}** (page_count × page_size; WAL file at the end: ${mib(s.walBytesAfter)})`],
        ],
      ),
      '',
    );
    out.push('Costliest statements per turn:', '');
    out.push(table(['statement', 'kind', 'per turn', 'autocommits / turn', 'ms per call'], s.statements.slice(0, 6).map((t) => [`\`${t.sql.replace(/\|/g, '\\|')}…\``, t.kind, num(t.perTurn), num(t.autocommitsPerTurn), ms(t.msPerCall)])), '');
  }

  if (r.sim) out.push(...renderSim(r.sim));
  if (r.follow) out.push(...renderFollow(r.follow));

  out.push('## Targets', '');
  out.push(table(['target', 'wanted', 'measured', 'met'], r.targets.list.map((t) => [t.name, t.target, t.display, t.met ? 'yes' : '**no**'])), '');
  out.push(r.targets.note, '');
  return `${out.join('\n')}\n`;
}

/** Section 7: one task followed by many clients, and by one that keeps resuming. */
function renderFollow(f) {
  const out = [];
  const tri = (o) => `${ms(o.p50)} / ${ms(o.p95)} / ${ms(o.max)}`;
  const s = f.settings;
  out.push('## 7. Following one task (task log: `GET /v1/tasks/{id}/stream`, `Last-Event-ID`)', '');
  out.push(
    `\`ducklm serve\`, one answer of ${int(s.tokens)} tokens. Fan-out: the \`POST /v1/chat/stream\` that starts the task plus ${s.followers - 1} \`GET /v1/tasks/{id}/stream\` followers, opened as soon as the chat stream's first frame names the task; ` +
      'the baseline is the same answer with its chat stream alone. Times are from the chat request. Relay tok/s = tokens ÷ time from the chat stream\'s first delta to the follower\'s last (at a fixed model pace it cannot beat the pace); ' +
      `aggregate = all followers' tokens over the same span to the last follower's last delta. Machine load average (1 min) ${num(f.loadAverage.before)} before, ${num(f.loadAverage.after)} after.`,
    '',
  );
  out.push(
    table(
      ['model', 'followers connected p50 / max ms', 'first delta, followers − chat stream, p50 / p95 / max ms', 'relay tok/s per follower p50 (slowest)', 'aggregate tok/s', 'last delta after the chat stream\'s, p50 / max ms', 'slowest `done` vs alone', 'slowest stream end vs alone', 'server CPU ms / 1k frames (chat stream alone)', 'event-loop delay p99 / max ms', 'peak RSS MB'],
      f.fanOut.map((o) => [
        o.modelLabel,
        `${ms(o.followersConnectedMs.p50)} / ${ms(o.followersConnectedMs.max)}`,
        tri(o.addedFirstDeltaMs),
        `${int(o.relayTokensPerSecond.perFollower.p50)} (${int(o.relayTokensPerSecond.slowest)})`,
        int(o.relayTokensPerSecond.aggregate),
        `${ms(o.lastDeltaLagMs.p50)} / ${ms(o.lastDeltaLagMs.max)}`,
        `${ms(o.slowestDoneMs)} vs ${ms(o.baseline.doneMs)} ms (${x(o.slowestDoneRatio)})`,
        `${ms(o.slowestEndMs)} vs ${ms(o.baseline.endMs)} ms (${x(o.slowestEndRatio)})`,
        `${ms(o.serverCpuMsPer1kFrames)} (alone ${ms(o.baseline.serverCpuMs === undefined ? null : (o.baseline.serverCpuMs / o.baseline.frames) * 1000)})`,
        `${ms(o.eventLoopDelayMs.p99)} / ${ms(o.eventLoopDelayMs.max)}`,
        int(o.peakRssMB),
      ]),
    ),
    '',
  );
  const v = f.resume;
  out.push(
    `Resume (${v.modelLabel}): next to the chat stream, one follower reads ${v.framesPerConnection} frames, hangs up and reconnects with \`Last-Event-ID\` of the last frame it got, ${int(v.plannedResumes)} times, then reads to the end. ` +
      'At this pace a token is due every 10 ms: a reconnect that missed none waits for the next one, so time to the first frame is mostly the model\'s, time to the headers the server\'s.',
    '',
  );
  out.push(
    table(
      ['measure', 'value'],
      [
        ['resumes done', `${int(v.resumes)} of ${int(v.plannedResumes)} (the last ${ms(v.lastResumeMs)} ms into a ${ms(v.chat.doneMs)} ms answer)`],
        ['reconnect → response headers, p50 / p95 / max ms', tri(v.reconnectToHeadersMs)],
        ['reconnect → first frame, p50 / p95 / max ms', tri(v.reconnectToFirstFrameMs)],
        ['text equal to the stored answer', `${v.textExact ? 'yes' : '**no**'} (${int(v.answerChars)} chars); frames not newer than the one before: ${v.duplicates}`],
        ['task `done` at the chat stream, with the resumer vs alone', `${ms(v.chat.doneMs)} vs ${ms(v.baseline.doneMs)} ms (${x(v.totalRatio)})`],
        ['resumer\'s `done` / stream end after the chat stream\'s', `${ms(v.resumerDoneMs - v.chat.doneMs)} / ${ms(v.resumerEndMs - v.chat.endMs)} ms`],
        ['server CPU over the answer, with the resumer vs alone', `${int(v.serverCpuMs)} vs ${int(v.baseline.serverCpuMs)} ms: ${ms(v.serverCpuMsPerResume)} ms per resume (event-loop delay p99 ${ms(v.eventLoopDelayMs.p99)}, max ${ms(v.eventLoopDelayMs.max)} ms)`],
      ],
    ),
    '',
  );
  out.push(f.problems.length ? `**Problems:** ${f.problems.join(' — ')}` : 'Problems: none (every stream got the stored answer exactly, every frame id rose, every stream ended).', '');
  return out;
}
