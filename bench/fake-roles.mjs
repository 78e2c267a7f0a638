/**
 * What the benchmark's fake model answers, role by role, and how long it takes. Shared by the fake
 * OpenAI-compatible server (bench/fake-model.mjs) and the in-process fake ModelClient
 * (bench/inproc-server.mjs), so both behave the same.
 *
 * Timing model (like a local llama.cpp server with enough parallel slots):
 *   - a streamed reply sends token i at  ttftMs + i * 1000 / tokensPerSecond  (i = 0..n-1);
 *   - a non-streamed (structured) reply arrives after  ttftMs + n * 1000 / tokensPerSecond.
 * tokensPerSecond = 0 or Infinity means "infinitely fast".
 */

/** Role by the model name the bench gives each role (DUCK_MODEL_<ROLE>). */
export const ROLE_MODELS = {
  action: 'bench-action',
  thinker: 'bench-thinker',
  recall: 'bench-recall',
  memory_policy: 'bench-memory',
  critic: 'bench-critic',
};
const BY_MODEL = Object.fromEntries(Object.entries(ROLE_MODELS).map(([role, model]) => [model, role]));
const BY_FORMAT = { action_directive: 'action', recall_verdict: 'recall', memory_decision: 'memory_policy' };

export function roleOf(model, body) {
  if (BY_MODEL[model]) return BY_MODEL[model];
  const format = body?.response_format?.json_schema?.name;
  if (format && BY_FORMAT[format]) return BY_FORMAT[format];
  return body?.stream ? 'thinker' : 'critic';
}

/** About four characters a token, the same estimate ducklm uses. */
export const estimateTokens = (text) => Math.max(1, Math.ceil(text.length / 4));
export const promptTokensOf = (messages) => messages.reduce((n, m) => n + estimateTokens(String(m.content ?? '')), 0);

export const DEFAULT_MODEL_CONFIG = { ttftMs: 0, tokensPerSecond: 0, answerTokens: 40 };

export const isInstant = (config) => !config.tokensPerSecond || !Number.isFinite(config.tokensPerSecond);
export const msPerToken = (config) => (isInstant(config) ? 0 : 1000 / config.tokensPerSecond);

/** How long a non-streamed reply of `tokens` tokens takes. */
export const structuredDelayMs = (config, tokens) => config.ttftMs + tokens * msPerToken(config);

const lastUser = (messages) => [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';

/** The user's own words: the last user message starts with them, before the blocks ducklm adds. */
const userMessage = (messages) => String(lastUser(messages)).split('\n\n')[0];

/**
 * The JSON (as text) a structured role answers, keys in the order ducklm's schemas ask for (the
 * deciding key first), as a local server's grammar writes them.
 */
export function structuredReply(role, messages) {
  const last = String(lastUser(messages));
  if (role === 'action') {
    // This turn's results are in the last message; earlier turns' are in the history.
    const observed = last.includes('tool_observations');
    const wantsList = /\blist\b|\bfiles\b/i.test(userMessage(messages));
    if (observed || !wantsList) return JSON.stringify({ answer_now: true });
    return JSON.stringify({ actions: [{ tool: 'list_dir', args: { path: '.' }, reason: 'The user asked what is in the workspace.' }], risk_level: 'none', final: true });
  }
  if (role === 'recall') {
    // Matched memories are numbered "0: text"...: the one naming Vladimir is relevant.
    const lines = [...last.matchAll(/^(\d+): (.*)$/gm)];
    const hit = lines.find((m) => m[2].includes('Vladimir'));
    return JSON.stringify({ answer_now: true, relevant_ids: hit ? [hit[1]] : [] });
  }
  if (role === 'memory_policy') {
    // Nothing is stored: every scenario keeps the same memories from run to run.
    return JSON.stringify({ should_store: false, memory_type: 'note', summary: '', importance: 0, scope: 'conversation', metadata: {} });
  }
  return 'Keep answers short.';
}

/** A structured reply streamed (ducklm reads deciding replies as a stream): about four characters a token. */
export const structuredTokens = (content) => content.match(/[\s\S]{1,4}/g) ?? [];

const FILLER = ['the', 'duck', 'is', 'a', 'local', 'model', 'and', 'it', 'answers', 'quickly', 'with', 'short', 'words', 'for', 'you', 'here'];

/** The thinker's answer as n tokens (one word each, with its leading space). */
export function answerTokens(messages, n) {
  const last = String(lastUser(messages));
  const opening = /What is my name\?/i.test(last) ? ['Your', ' name', ' is', ' Vladimir', '.'] : /\bhello\b/i.test(last) ? ['Hello', '!', ' How', ' can', ' I', ' help', '?'] : ['Here', ' is', ' what', ' I', ' found', ':'];
  const tokens = opening.slice(0, n);
  for (let i = tokens.length; i < n; i++) tokens.push(` ${FILLER[i % FILLER.length]}`);
  return tokens;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `performance.now()` reaches `at` (no wait when it already has). */
export async function until(at) {
  const wait = at - performance.now();
  if (wait >= 1) await sleep(wait);
}
