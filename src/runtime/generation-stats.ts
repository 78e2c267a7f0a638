import type { GenerationStats } from '../events/task-event.js';
import { round } from './model-calls.js';
import type { ModelCallStat } from './task-state.js';

/** A speed worth reporting: the server measured it, or the call streamed (its prefill can be told apart). */
const measurable = (c: ModelCallStat) => c.completionTokens > 0 && (!!c.tokensPerSecond || c.firstTokenMs !== null);

/**
 * Speed over the task's model calls: the server's own figure when it gives one; otherwise
 * measured, from the first token when streamed (prefill is not generation), else over the
 * whole latency. A structured reply read only to its first key says nothing about speed, so
 * calls with a real measure are preferred.
 */
export function generationStats(calls: ModelCallStat[], timeToFirstTokenMs: number | null, totalMs: number): GenerationStats {
  const measured = calls.filter(measurable);
  const rates = (measured.length ? measured : calls.filter((c) => c.completionTokens > 0))
    .map((c) => {
      if (c.tokensPerSecond) return c.tokensPerSecond;
      const seconds = Math.max(c.latencyMs - (c.firstTokenMs ?? 0), 1) / 1000;
      return c.completionTokens / seconds;
    });
  const sum = rates.reduce((a, b) => a + b, 0);
  return {
    model_calls: calls.length,
    prompt_tokens: calls.reduce((n, c) => n + c.promptTokens, 0),
    completion_tokens: calls.reduce((n, c) => n + c.completionTokens, 0),
    time_to_first_token_ms: timeToFirstTokenMs === null ? null : round(timeToFirstTokenMs),
    total_ms: round(totalMs),
    min_tokens_per_second: rates.length ? round(Math.min(...rates)) : 0,
    avg_tokens_per_second: rates.length ? round(sum / rates.length) : 0,
    max_tokens_per_second: rates.length ? round(Math.max(...rates)) : 0,
    ...promptSpeed(calls),
  };
}

/**
 * Prompt reading as the server measured it, over the calls it measured: how long, and how fast
 * it read the tokens it did not have cached. Nothing when no call was measured.
 */
function promptSpeed(calls: ModelCallStat[]): Pick<GenerationStats, 'prompt_ms' | 'prompt_tokens_per_second'> {
  const measured = calls.filter((c) => c.promptMs !== undefined);
  if (!measured.length) return {};
  const ms = measured.reduce((n, c) => n + c.promptMs!, 0);
  const read = measured.reduce((n, c) => n + Math.max(0, c.promptTokens - (c.cachedPromptTokens ?? 0)), 0);
  return { prompt_ms: round(ms), ...(ms > 0 && read > 0 ? { prompt_tokens_per_second: round((read / ms) * 1000) } : {}) };
}
