/** What the bench measures with: the fake models, run counts and sizes (smaller with --quick). */

export function benchSettings(quick) {
  const ANSWER_TOKENS = 40;
  const MEMORY_COUNT = quick ? 2_000 : 10_000;
  return {
    QUICK: quick,
    TOKEN: 'bench-token-0123456789abcdefXYZ',
    ANSWER_TOKENS,
    MODELS: {
      zero: { key: 'zero', label: '0 ms', ttftMs: 0, tokensPerSecond: 0, answerTokens: ANSWER_TOKENS },
      real: { key: 'real', label: '200 ms TTFT, 30 tok/s', ttftMs: 200, tokensPerSecond: 30, answerTokens: ANSWER_TOKENS },
    },
    RUNS: { zero: quick ? 5 : 20, real: quick ? 2 : 5 },
    WARMUP: { zero: quick ? 2 : 5, real: 1 },
    MEMORY_COUNT,
    RELAY_TOKENS: quick ? 20_000 : 100_000,
    RELAY_RUNS: quick ? 2 : 5,
    CONCURRENCY: [50, 200],
    BURSTS: quick ? 1 : 2,
    STORAGE_TURNS: quick ? 200 : 1_000,
    STORAGE_TURNS_PER_CONVERSATION: 10,
    // Section 7: following one task (issue 13's task log): many followers, and one that keeps resuming.
    FOLLOW: {
      TOKENS: quick ? 1_000 : 5_000,
      FOLLOWERS: 50,
      RESUMES: quick ? 200 : 1_000,
      // Frames the resuming follower reads on each connection before it hangs up.
      FRAMES_PER_CONNECTION: 2,
      // A fast local model: 5,000 tokens last about 50 s, long enough for 1,000 resumes.
      PACED: { key: 'paced', label: '200 ms TTFT, 100 tok/s', ttftMs: 200, tokensPerSecond: 100 },
      INSTANT: { key: 'instant', label: '0 ms', ttftMs: 0, tokensPerSecond: 0 },
    },
    // Section 6: the simulated local model (bench/sim/). Speeds in tokens per second.
    SIM: {
      SLOTS: 2,
      SPEEDS: [
        { key: 'gpu', label: 'GPU-like', prefillTps: 1500, genTps: 30 },
        { key: 'cpu', label: 'CPU-like', prefillTps: 150, genTps: 8 },
      ],
      ROUTING_SPEED: { key: 'instant', label: 'near-instant', prefillTps: 1e6, genTps: 2000 },
      RUNS: { gpu: quick ? 2 : 5, cpu: quick ? 1 : 3 },
      // The GPU-like round warms ducklm up; every run starts from the same simulator state anyway.
      WARMUP: { gpu: 1, cpu: 0 },
      TARGETS: { hello: 3, memory: 3, tool: 1.25, cacheShare: 0.8 },
    },
    SCENARIOS: {
      direct_chat: { key: 'direct_chat', label: 'direct chat ("hello")', message: 'hello', roles: ['action', 'thinker'] },
      memory_question: { key: 'memory_question', label: `memory question, ${MEMORY_COUNT.toLocaleString('en')} memories`, message: 'What is my name?', roles: ['recall', 'thinker'] },
      tool_call: { key: 'tool_call', label: 'one tool call (list_dir)', message: 'List the files in this folder.', roles: ['action', 'thinker'] },
    },
  };
}
