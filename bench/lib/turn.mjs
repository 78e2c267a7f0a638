/** One chat turn, through ducklm (with what the fake model did for it) or straight to the fake. */
import { chatStream, directStream } from './client.mjs';

function checkTurn(h, scenario, r, events, roles) {
  const { ANSWER_TOKENS } = h.settings;
  const problems = [];
  if (r.error) problems.push(r.error);
  if (r.done?.status !== 'completed') problems.push(`status ${r.done?.status}`);
  if (r.deltas !== ANSWER_TOKENS) problems.push(`${r.deltas} answer tokens, expected ${ANSWER_TOKENS}`);
  if (roles.join(',') !== scenario.roles.join(',')) problems.push(`model calls ${roles.join(',')}, expected ${scenario.roles.join(',')}`);
  if (scenario.key === 'memory_question') {
    const recall = events.find((e) => e.event_type === 'recall_completed')?.payload;
    if (!recall?.sufficient_to_answer) problems.push('recall did not find the memory');
    if (!r.answer.startsWith('Your name is Vladimir')) problems.push(`answer "${r.answer.slice(0, 40)}"`);
  }
  if (scenario.key === 'tool_call' && !events.some((e) => e.event_type === 'tool_call_finished' && e.payload.ok)) problems.push('no successful tool call');
  return problems;
}

/** One turn through ducklm, with what the fake model did for it. */
export async function viaTurn(h, server, fake, scenario) {
  await fake.reset();
  const r = await chatStream(server.url, h.settings.TOKEN, { message: scenario.message, workspace: h.workspace });
  const events = r.taskId ? await h.settledEvents(server, r.taskId) : [];
  const calls = await fake.log();
  const thinkerAt = calls.findIndex((c) => c.role === 'thinker');
  const answerPath = thinkerAt >= 0 ? calls.slice(0, thinkerAt + 1) : calls;
  const background = thinkerAt >= 0 ? calls.slice(thinkerAt + 1) : [];
  const before = answerPath.filter((c) => !c.stream).reduce((n, c) => n + c.modelMs, 0);
  const thinker = answerPath.at(-1);
  const modelTtft = before + (thinker?.ttftMs ?? 0);
  const modelTotal = before + (thinker?.modelMs ?? 0);
  const modelCallEvents = events.filter((e) => e.event_type === 'model_call').length;
  const stats = r.done?.generation_stats ?? {};
  return {
    ttftMs: r.ttftMs,
    totalMs: r.totalMs,
    doneMs: r.doneMs,
    lastTokenToDoneMs: r.doneMs === null || r.lastTokenMs === null ? null : r.doneMs - r.lastTokenMs,
    modelTtftMs: modelTtft,
    modelTotalMs: modelTotal,
    ownTtftMs: r.ttftMs === null ? null : r.ttftMs - modelTtft,
    ownTotalMs: r.totalMs === null ? null : r.totalMs - modelTotal,
    serverTtftMs: stats.time_to_first_token_ms ?? null,
    modelCalls: stats.model_calls ?? null,
    promptTokens: stats.prompt_tokens ?? null,
    completionTokens: stats.completion_tokens ?? null,
    backgroundCalls: modelCallEvents - (stats.model_calls ?? 0),
    backgroundPromptTokens: background.reduce((n, c) => n + c.promptTokens, 0),
    preAnswerCalls: answerPath.filter((c) => !c.stream).map((c) => ({ role: c.role, modelMs: c.modelMs, promptTokens: c.promptTokens, completionTokens: c.completionTokens })),
    roles: answerPath.map((c) => c.role),
    problems: checkTurn(h, scenario, r, events, answerPath.map((c) => c.role)),
  };
}

/** The thinker's own request sent straight to the fake model: the "direct" baseline. */
export async function directTurn(h, fake, body) {
  const { ANSWER_TOKENS } = h.settings;
  const r = await directStream(fake.baseUrl, body);
  return { ttftMs: r.ttftMs, totalMs: r.totalMs, problems: r.error ? [r.error] : r.deltas !== ANSWER_TOKENS ? [`${r.deltas} tokens`] : [] };
}
