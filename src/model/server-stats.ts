/**
 * Token counts and speed as the server reports them: OpenAI `usage` (streamed only with
 * `stream_options.include_usage`) and llama.cpp's `timings` (on a non-streamed reply and on the
 * last chunk of a stream). When a server gives neither, the runtime measures for itself.
 * The prompt tokens a server took from its cache show whether a conversation that grows at its
 * end is really reused (llama-server keeps a slot's tokens; a changed early message spoils it).
 */
import type { TokenUsage } from './model-client.js';

interface WireUsage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  /** OpenAI's, also llama-server's and vLLM's (with --enable-prompt-tokens-details). */
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
}

/** llama-server's `timings`; `prompt_n` leaves out the `cache_n` tokens it reused from the cache. */
interface LlamaTimings {
  cache_n?: unknown;
  prompt_n?: unknown;
  prompt_ms?: unknown;
  predicted_n?: unknown;
  predicted_per_second?: unknown;
}

/** The stats in one reply or chunk: `usage` for the token counts when both are there, `timings` for speed. */
export function statsOf(source: object): TokenUsage {
  const { usage, timings } = source as { usage?: WireUsage | null; timings?: LlamaTimings | null };
  const stats: TokenUsage = {};
  if (timings) {
    const prompt = num(timings.prompt_n);
    if (prompt !== undefined) stats.promptTokens = prompt + (num(timings.cache_n) ?? 0);
    setIf(stats, 'completionTokens', num(timings.predicted_n));
    setIf(stats, 'tokensPerSecond', num(timings.predicted_per_second));
    setIf(stats, 'promptMs', num(timings.prompt_ms));
    // Builds before `prompt_tokens_details` report the cache only here.
    setIf(stats, 'cachedPromptTokens', num(timings.cache_n));
  }
  if (usage) {
    setIf(stats, 'promptTokens', num(usage.prompt_tokens));
    setIf(stats, 'completionTokens', num(usage.completion_tokens));
    setIf(stats, 'cachedPromptTokens', num(usage.prompt_tokens_details?.cached_tokens));
  }
  return stats;
}

/** Later chunks win: llama-server repeats `timings` on the usage chunk, final by then. */
export function mergeStats(into: TokenUsage, from: TokenUsage): TokenUsage {
  return { ...into, ...from };
}

export function hasStats(stats: TokenUsage): boolean {
  return Object.keys(stats).length > 0;
}

function setIf(stats: TokenUsage, key: keyof TokenUsage, value: number | undefined): void {
  if (value !== undefined) stats[key] = value;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
