/**
 * Section 7: following one task (the task log of issue 13) on `ducklm serve`.
 *
 *   fan-out: one long answer followed by 50 clients at once: the `POST /v1/chat/stream` that starts
 *            it and 49 `GET /v1/tasks/{id}/stream` opened as soon as its first frame names the task;
 *            against the same answer with the chat stream alone (the baseline). Once at a fixed
 *            model pace, once with an infinitely fast model (what the relay itself can do).
 *   resume:  next to the chat stream, a follower that reads a few frames, hangs up and reconnects
 *            with `Last-Event-ID` of the last frame it got, over and over until the stream ends.
 *
 * Every follower's concatenated `content_delta` text must equal the stored answer (the task's
 * assistant message in `GET /v1/conversations/{id}`), its frame ids must keep rising (across its
 * reconnections too), it must get `done` with status completed, and its stream must end: anything
 * else is a problem.
 */
import { loadavg } from 'node:os';
import { getJson } from '../lib/client.mjs';
import { followerRecord, openStream } from '../lib/follow-client.mjs';
import { median, percentile, ratio, round } from '../lib/stats.mjs';

const MESSAGE = 'Tell me a long story.';

const spread = (values) => ({ p50: median(values), p95: percentile(values, 95), max: percentile(values, 100) });

/** How long a stream may stay open: the answer at the model's pace, plus a minute. */
function timeoutFor(h, model) {
  const { TOKENS } = h.settings.FOLLOW;
  return model.ttftMs + (model.tokensPerSecond ? (TOKENS / model.tokensPerSecond) * 1000 : 0) + 60_000;
}

/** The answer as stored: the task's assistant message in its conversation. */
async function storedAnswer(h, server, taskId) {
  const { TOKEN } = h.settings;
  const task = await getJson(`${server.url}/v1/tasks/${taskId}`, TOKEN);
  const conversation = await getJson(`${server.url}/v1/conversations/${task.conversation_id}`, TOKEN);
  const assistant = conversation.messages.filter((m) => m.role === 'assistant');
  const message = assistant.filter((m) => m.task_id === taskId).at(-1) ?? assistant.at(-1);
  return { status: task.status, lastSeq: task.last_seq, text: message?.content ?? null };
}

/** Where two texts part, for a problem report. */
function difference(got, want) {
  if (want === null) return 'no stored answer';
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  return `${got.length.toLocaleString('en')} chars vs ${want.length.toLocaleString('en')} stored, first difference at char ${i.toLocaleString('en')} (got ${JSON.stringify(got.slice(i, i + 24))}, stored ${JSON.stringify(want.slice(i, i + 24))})`;
}

/** What is wrong with what one follower saw (empty: nothing). */
function check(name, rec, connError, stored) {
  const problems = [];
  if (connError) problems.push(`${name}: ${connError}`);
  if (rec.done?.status !== 'completed') problems.push(`${name}: ${rec.done ? `done with status ${rec.done.status}` : 'no done event'}`);
  if (rec.duplicates) problems.push(`${name}: ${rec.duplicates} frame(s) whose id was not higher than the one before (${rec.duplicateSamples.join('; ')})`);
  if (rec.text !== stored.text) problems.push(`${name}: text differs from the stored answer: ${difference(rec.text, stored.text)}`);
  return problems;
}

/** Groups "<follower>: <what>" problems by what, so 49 identical ones read as one line. */
function grouped(problems) {
  const byWhat = new Map();
  for (const p of problems) {
    const at = p.indexOf(': ');
    const who = p.slice(0, at);
    const what = p.slice(at + 2).replace(/\d+(\.\d+)? ?ms/g, 'N ms');
    if (!byWhat.has(what)) byWhat.set(what, { who: [], sample: p });
    byWhat.get(what).who.push(who);
  }
  return [...byWhat.values()].map((g) => (g.who.length === 1 ? g.sample : `${g.who.length} followers (${g.who.slice(0, 3).join(', ')}${g.who.length > 3 ? ', …' : ''}): ${g.sample.slice(g.sample.indexOf(': ') + 2)}`));
}

/** Starts the task with `POST /v1/chat/stream` and reads it to the end; `onTask(taskId)` as soon as a frame names the task. */
async function chat(h, server, model, onTask) {
  const { TOKEN } = h.settings;
  const rec = followerRecord();
  let told = false;
  const t0 = performance.now();
  const conn = await openStream(`${server.url}/v1/chat/stream`, TOKEN, {
    method: 'POST',
    body: { message: MESSAGE, workspace: h.workspace },
    timeoutMs: timeoutFor(h, model),
    onFrame: (frame) => {
      rec.take(frame);
      if (!told && rec.taskId) {
        told = true;
        onTask?.(rec.taskId, t0);
      }
    },
  });
  return { t0, rec, conn };
}

/** One `GET /v1/tasks/{id}/stream` from the start, read to its end. */
async function follow(h, server, model, taskId) {
  const rec = followerRecord();
  const conn = await openStream(`${server.url}/v1/tasks/${taskId}/stream`, h.settings.TOKEN, { timeoutMs: timeoutFor(h, model), onFrame: (frame) => void rec.take(frame) });
  return { rec, conn };
}

/** Times of one follower relative to the task's start (t0 = the chat request). */
function timesOf(t0, { rec, conn }) {
  const at = (t) => (t === null || t === undefined ? null : t - t0);
  return { connectedMs: at(conn.headersAt), firstDeltaMs: at(rec.firstDeltaAt), lastDeltaMs: at(rec.lastDeltaAt), doneMs: at(rec.doneAt), endMs: at(conn.endedAt), frames: conn.frames, deltaFrames: rec.deltaFrames };
}

/** The answer with its chat stream alone: the baseline of both parts. */
async function baseline(h, server, fake, model) {
  const { TOKENS } = h.settings.FOLLOW;
  await h.configure(fake, server, { ttftMs: model.ttftMs, tokensPerSecond: model.tokensPerSecond, answerTokens: TOKENS });
  await server.resetProbe();
  const c = await chat(h, server, model);
  const probe = await server.probe();
  if (c.rec.taskId) await h.settledEvents(server, c.rec.taskId).catch(() => null);
  const stored = c.rec.taskId ? await storedAnswer(h, server, c.rec.taskId) : { text: null };
  const t = timesOf(c.t0, c);
  return {
    ...t,
    relayTokensPerSecond: tokensPerSecond(TOKENS, t.firstDeltaMs, t.lastDeltaMs),
    answerChars: stored.text?.length ?? null,
    serverCpuMs: probe.cpuUserMs + probe.cpuSystemMs,
    problems: check('baseline chat stream', c.rec, c.conn.error, stored),
  };
}

const tokensPerSecond = (tokens, fromMs, toMs) => (fromMs === null || toMs === null || toMs <= fromMs ? null : tokens / ((toMs - fromMs) / 1000));

/** Part 1: one chat stream and FOLLOWERS - 1 task followers on one answer. */
async function fanOut(h, server, fake, model) {
  const { TOKENS, FOLLOWERS } = h.settings.FOLLOW;
  const base = await baseline(h, server, fake, model);
  await server.resetProbe();
  const client0 = process.cpuUsage();
  let followers = [];
  let openedAt = null;
  const c = await chat(h, server, model, (taskId, t0) => {
    openedAt = performance.now() - t0;
    followers = Array.from({ length: FOLLOWERS - 1 }, () => follow(h, server, model, taskId));
  });
  const all = await Promise.all(followers);
  const probe = await server.probe();
  const client = process.cpuUsage(client0);
  const taskId = c.rec.taskId;
  if (taskId) await h.settledEvents(server, taskId).catch(() => null);
  const stored = taskId ? await storedAnswer(h, server, taskId) : { text: null, status: null };

  const problems = [...base.problems, ...check('chat stream', c.rec, c.conn.error, stored)];
  if (!taskId) problems.push('the chat stream never named its task: no follower was opened');
  all.forEach((f, i) => problems.push(...check(`follower ${i + 1}`, f.rec, f.conn.error, stored)));
  if (stored.status !== 'completed') problems.push(`task status ${stored.status}`);

  const chatTimes = timesOf(c.t0, c);
  const times = all.map((f) => timesOf(c.t0, f));
  const everyone = [chatTimes, ...times];
  const firstDelta = chatTimes.firstDeltaMs;
  const lastDeltaAll = Math.max(...everyone.map((t) => t.lastDeltaMs ?? -Infinity));
  const slowestDone = Math.max(...everyone.map((t) => t.doneMs ?? Infinity));
  const slowestEnd = Math.max(...everyone.map((t) => t.endMs ?? Infinity));
  const perFollower = everyone.map((t) => tokensPerSecond(TOKENS, firstDelta, t.lastDeltaMs));
  const frames = everyone.reduce((n, t) => n + t.frames, 0);
  const cpuMs = probe.cpuUserMs + probe.cpuSystemMs;
  const result = {
    model: model.key,
    modelLabel: model.label,
    modelTokensPerSecond: model.tokensPerSecond || null,
    tokens: TOKENS,
    followers: FOLLOWERS,
    answerChars: stored.text?.length ?? null,
    followersOpenedMs: openedAt,
    followersConnectedMs: spread(times.map((t) => t.connectedMs)),
    baseline: base,
    chat: chatTimes,
    // Tokens per second from the chat stream's first delta to each follower's last one.
    relayTokensPerSecond: { perFollower: spread(perFollower), slowest: Math.min(...perFollower.map((v) => v ?? 0)), aggregate: tokensPerSecond(TOKENS * everyone.length, firstDelta, lastDeltaAll) },
    // Followers' first delta minus the chat stream's.
    addedFirstDeltaMs: spread(times.map((t) => (t.firstDeltaMs === null || firstDelta === null ? null : t.firstDeltaMs - firstDelta))),
    // Followers' last delta minus the chat stream's.
    lastDeltaLagMs: spread(times.map((t) => (t.lastDeltaMs === null || chatTimes.lastDeltaMs === null ? null : t.lastDeltaMs - chatTimes.lastDeltaMs))),
    doneMs: spread(everyone.map((t) => t.doneMs)),
    slowestDoneMs: slowestDone,
    slowestDoneRatio: ratio(slowestDone, base.doneMs),
    slowestEndMs: slowestEnd,
    slowestEndRatio: ratio(slowestEnd, base.endMs),
    chatDoneRatio: ratio(chatTimes.doneMs, base.doneMs),
    framesDelivered: frames,
    serverCpuMs: cpuMs,
    serverCpuMsPer1kFrames: (cpuMs / frames) * 1000,
    clientCpuMs: (client.user + client.system) / 1000,
    eventLoopDelayMs: probe.eventLoopDelayMs,
    peakRssMB: probe.peakMemory.rss / 2 ** 20,
    problems: grouped(problems),
  };
  h.log(
    `  fan-out @ ${model.label}: ${everyone.length} followers × ${TOKENS} tokens, slowest done ${round(slowestDone)} ms vs ${round(base.doneMs)} ms alone (×${round(result.slowestDoneRatio, 3)}), ` +
      `first delta +${round(result.addedFirstDeltaMs.p50, 1)} / +${round(result.addedFirstDeltaMs.p95, 1)} ms (p50 / p95), aggregate ${Math.round(result.relayTokensPerSecond.aggregate ?? 0)} tok/s, ${result.problems.length} problem(s)`,
  );
  return result;
}

/** The resuming follower: FRAMES_PER_CONNECTION frames a connection, RESUMES times, then to the end. */
async function resumer(h, server, model, taskId, t0) {
  const { RESUMES, FRAMES_PER_CONNECTION } = h.settings.FOLLOW;
  const rec = followerRecord();
  const reconnects = [];
  let resumes = 0;
  let error = null;
  let lastResumeMs = null;
  let endedAt = null;
  const deadline = performance.now() + timeoutFor(h, model);
  for (;;) {
    let got = 0;
    const limit = resumes < RESUMES ? FRAMES_PER_CONNECTION : Infinity;
    const resuming = rec.lastId !== null;
    const conn = await openStream(`${server.url}/v1/tasks/${taskId}/stream`, h.settings.TOKEN, {
      lastEventId: rec.lastId ?? undefined,
      timeoutMs: Math.max(1, deadline - performance.now()),
      onFrame: (frame) => {
        rec.take(frame);
        return ++got >= limit;
      },
    });
    if (resuming) {
      reconnects.push({ headersMs: conn.headersAt === null ? null : conn.headersAt - conn.startedAt, firstFrameMs: conn.firstFrameAt === null ? null : conn.firstFrameAt - conn.startedAt, frames: got });
    }
    endedAt = conn.endedAt;
    if (conn.error) {
      error = conn.error;
      break;
    }
    // The stream ended by itself: the task's run and after-work are over.
    if (!conn.hungUp) break;
    resumes++;
    lastResumeMs = performance.now() - t0;
  }
  return { rec, resumes, reconnects, error, lastResumeMs, endMs: endedAt - t0 };
}

/** Part 2: the chat stream and one follower resuming RESUMES times during the answer. */
async function resume(h, server, fake, model, base) {
  const { TOKENS, RESUMES, FRAMES_PER_CONNECTION } = h.settings.FOLLOW;
  await h.configure(fake, server, { ttftMs: model.ttftMs, tokensPerSecond: model.tokensPerSecond, answerTokens: TOKENS });
  await server.resetProbe();
  let running = null;
  const c = await chat(h, server, model, (taskId, t0) => {
    running = resumer(h, server, model, taskId, t0);
  });
  const r = running ? await running : null;
  const probe = await server.probe();
  const taskId = c.rec.taskId;
  if (taskId) await h.settledEvents(server, taskId).catch(() => null);
  const stored = taskId ? await storedAnswer(h, server, taskId) : { text: null, status: null };

  const problems = [...check('chat stream', c.rec, c.conn.error, stored)];
  if (r) problems.push(...check('resuming follower', r.rec, r.error, stored));
  else problems.push('the chat stream never named its task: the resuming follower never started');
  if (r && r.resumes < RESUMES) problems.push(`resuming follower: the stream ended after ${r.resumes} resumes, ${RESUMES} planned`);
  if (stored.status !== 'completed') problems.push(`task status ${stored.status}`);
  const chatTimes = timesOf(c.t0, c);
  const result = {
    model: model.key,
    modelLabel: model.label,
    tokens: TOKENS,
    plannedResumes: RESUMES,
    framesPerConnection: FRAMES_PER_CONNECTION,
    resumes: r?.resumes ?? 0,
    answerChars: stored.text?.length ?? null,
    textExact: !!r && r.rec.text === stored.text,
    duplicates: r?.rec.duplicates ?? null,
    reconnectToHeadersMs: spread(r?.reconnects.map((x) => x.headersMs) ?? []),
    reconnectToFirstFrameMs: spread(r?.reconnects.map((x) => x.firstFrameMs) ?? []),
    reconnectsWithoutFrames: r?.reconnects.filter((x) => x.firstFrameMs === null).length ?? null,
    lastResumeMs: r?.lastResumeMs ?? null,
    baseline: base,
    chat: chatTimes,
    resumerDoneMs: r?.rec.doneAt === null || !r ? null : r.rec.doneAt - c.t0,
    resumerEndMs: r?.endMs ?? null,
    // The cost of the resumes to the task: its chat stream's `done` against the answer alone.
    totalRatio: ratio(chatTimes.doneMs, base.doneMs),
    serverCpuMs: probe.cpuUserMs + probe.cpuSystemMs,
    // Server CPU the resumes added, over the answer with its chat stream alone.
    serverCpuMsPerResume: r?.resumes ? (probe.cpuUserMs + probe.cpuSystemMs - base.serverCpuMs) / r.resumes : null,
    eventLoopDelayMs: probe.eventLoopDelayMs,
    peakRssMB: probe.peakMemory.rss / 2 ** 20,
    problems,
  };
  h.log(
    `  resume @ ${model.label}: ${result.resumes} resumes, reconnect → first frame p50 ${round(result.reconnectToFirstFrameMs.p50, 2)} p95 ${round(result.reconnectToFirstFrameMs.p95, 2)} ms, ` +
      `text exact ${result.textExact}, duplicates ${result.duplicates}, task done ${round(chatTimes.doneMs)} ms vs ${round(base.doneMs)} ms alone (×${round(result.totalRatio, 3)}), ${problems.length} problem(s)`,
  );
  return result;
}

/** A short answer first so nothing is measured cold; then the fan-out at both speeds and the resumes at the fixed pace. */
export async function measureFollow(h, fake, server) {
  const { FOLLOW } = h.settings;
  const loadBefore = loadavg();
  await h.configure(fake, server, { ttftMs: 0, tokensPerSecond: 0, answerTokens: 200 });
  for (let i = 0; i < 3; i++) {
    let followers = [];
    const warm = await chat(h, server, FOLLOW.INSTANT, (taskId) => {
      followers = Array.from({ length: 10 }, () => follow(h, server, FOLLOW.INSTANT, taskId));
    });
    await Promise.all(followers);
    if (warm.rec.taskId) await h.settledEvents(server, warm.rec.taskId).catch(() => null);
  }
  const paced = await fanOut(h, server, fake, FOLLOW.PACED);
  const instant = await fanOut(h, server, fake, FOLLOW.INSTANT);
  const resumed = await resume(h, server, fake, FOLLOW.PACED, paced.baseline);
  return {
    server: server.kind,
    // The machine's 1-minute load average before and after: other work on it shows in every time here.
    loadAverage: { before: round(loadBefore[0], 2), after: round(loadavg()[0], 2) },
    settings: { tokens: FOLLOW.TOKENS, followers: FOLLOW.FOLLOWERS, resumes: FOLLOW.RESUMES, framesPerConnection: FOLLOW.FRAMES_PER_CONNECTION, paced: FOLLOW.PACED, instant: FOLLOW.INSTANT },
    fanOut: [paced, instant],
    resume: resumed,
    problems: [...paced.problems.map((p) => `fan-out ${paced.model}: ${p}`), ...instant.problems.map((p) => `fan-out ${instant.model}: ${p}`), ...resumed.problems.map((p) => `resume: ${p}`)],
  };
}
