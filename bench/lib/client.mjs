/** The bench's HTTP client: ducklm's SSE chat stream and the fake model's OpenAI stream, timed. */
import { createParser } from 'eventsource-parser';

/**
 * Reads an SSE body, calling onMessage(message) per frame (eventsource-parser's message: event, data,
 * id). When onMessage returns true the rest is not read (the frames after it, even in the same
 * chunk, are dropped) and the body is cancelled; resolves true then, false at the body's end.
 */
export async function readSse(response, onMessage) {
  let stop = false;
  const parser = createParser({ onEvent: (message) => (stop ||= Boolean(onMessage(message))) });
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return false;
    parser.feed(decoder.decode(value, { stream: true }));
    if (stop) {
      await reader.cancel().catch(() => {});
      return true;
    }
  }
}

/**
 * POSTs a chat to ducklm and reads its stream. Times (ms, from just before the request):
 * ttftMs = first content_delta, lastTokenMs, doneMs = the `done` event, totalMs = stream end.
 */
export async function chatStream(baseUrl, token, body, { timeoutMs = 120_000 } = {}) {
  const t0 = performance.now();
  const result = { status: 0, ttftMs: null, lastTokenMs: null, doneMs: null, totalMs: null, deltas: 0, answer: '', keepAnswer: true, events: [], done: null, taskId: null, error: null };
  try {
    const response = await fetch(`${baseUrl}/v1/chat/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    result.status = response.status;
    if (!response.ok) {
      result.error = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
      return result;
    }
    await readSse(response, ({ event = 'message', data }) => {
      if (event === 'content_delta') {
        const now = performance.now() - t0;
        result.ttftMs ??= now;
        result.lastTokenMs = now;
        result.deltas++;
        const { delta } = JSON.parse(data);
        if (result.answer.length < 2000) result.answer += delta;
        return;
      }
      if (event === 'reasoning_delta') return;
      const payload = JSON.parse(data);
      result.taskId ??= payload.task_id;
      result.events.push({ event, payload });
      if (event === 'done') {
        result.doneMs = performance.now() - t0;
        result.done = payload;
      }
      if (event === 'error') result.error = `${payload.code}: ${payload.message}`;
    });
    result.totalMs = performance.now() - t0;
    if (!result.done) result.error ??= 'stream ended without a done event';
  } catch (error) {
    result.error = `${error?.name ?? 'Error'}: ${error?.message ?? error}${error?.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`;
  }
  return result;
}

/** The same thinker request sent straight to the fake model: the "direct" baseline. */
export async function directStream(modelBaseUrl, body, { timeoutMs = 120_000 } = {}) {
  const t0 = performance.now();
  const result = { status: 0, ttftMs: null, lastTokenMs: null, totalMs: null, deltas: 0, answer: '', error: null };
  try {
    const response = await fetch(`${modelBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-no-key-required' },
      body: JSON.stringify({ ...body, stream: true }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    result.status = response.status;
    if (!response.ok) {
      result.error = `HTTP ${response.status}`;
      return result;
    }
    await readSse(response, ({ data }) => {
      if (data === '[DONE]') return;
      const chunk = JSON.parse(data);
      const content = chunk.choices?.[0]?.delta?.content;
      if (!content) return;
      const now = performance.now() - t0;
      result.ttftMs ??= now;
      result.lastTokenMs = now;
      result.deltas++;
      if (result.answer.length < 2000) result.answer += content;
    });
    result.totalMs = performance.now() - t0;
  } catch (error) {
    result.error = `${error?.name ?? 'Error'}: ${error?.message ?? error}`;
  }
  return result;
}

export async function getJson(url, token) {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

export async function postJson(url, token, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
