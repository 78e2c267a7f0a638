import { describe, expect, it } from 'vitest';
import { formatStats } from '../../src/cli/render-events.js';
import { generationStats } from '../../src/runtime/generation-stats.js';
import type { ModelCallStat } from '../../src/runtime/task-state.js';

const call = (over: Partial<ModelCallStat>): ModelCallStat => ({ role: 'thinker', latencyMs: 500, promptTokens: 100, completionTokens: 20, firstTokenMs: 100, ...over });

describe('prompt time in the generation stats', () => {
  it('adds up the prompt time the server measured and reads its speed over the tokens it did not have cached', () => {
    const stats = generationStats(
      [call({ role: 'action', promptTokens: 300, cachedPromptTokens: 100, promptMs: 150 }), call({ promptTokens: 400, cachedPromptTokens: 350, promptMs: 50 }), call({ role: 'recall' })],
      120,
      900,
    );
    // 200 + 50 tokens read in 200 ms; the call without a measure counts for neither.
    expect(stats).toMatchObject({ prompt_ms: 200, prompt_tokens_per_second: 1250 });
    expect(formatStats(stats)).toContain('prompt 200 ms');
  });

  it('says nothing of prompt time when no server measured it', () => {
    const stats = generationStats([call({})], 100, 500);
    expect(stats).not.toHaveProperty('prompt_ms');
    expect(stats).not.toHaveProperty('prompt_tokens_per_second');
    expect(formatStats(stats)).not.toContain('prompt');
  });
});
