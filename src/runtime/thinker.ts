import type { StreamChunk } from '../model/model-client.js';
import { completeTask } from './finish.js';
import { streamRole } from './model-calls.js';
import { schedulePostTask } from './post-task.js';
import type { Step } from './steps.js';
import { thinkerMessages } from './prompts.js';
import { turnHistory, type TaskContext } from './task-context.js';

/** The answer's model stream, as the thinker asks for it. */
export function answerStream(ctx: TaskContext): AsyncIterable<StreamChunk> {
  const options = ctx.state.reasoning ? { reasoning: ctx.state.reasoning } : {};
  return streamRole(ctx, 'thinker', thinkerMessages(ctx.state, turnHistory(ctx), ctx.deps.tools), options);
}

/**
 * Streams the final answer; reasoning and content deltas go straight to the client. `source` is an
 * answer that already started (see speculative-answer.ts), else a new one is asked for.
 */
export async function think(ctx: TaskContext, source: AsyncIterable<StreamChunk> = answerStream(ctx)): Promise<void> {
  for await (const chunk of source) {
    if (chunk.type !== 'content_delta' && chunk.type !== 'reasoning_delta') continue;
    ctx.firstTokenAt ??= performance.now();
    if (chunk.type === 'content_delta') ctx.answer += chunk.delta;
    ctx.emitter.emit({ type: chunk.type, delta: chunk.delta });
  }
}

/** The `answer` phase: the answer streams, the task completes, and what to remember is decided after. */
export async function answerPhase(ctx: TaskContext, step: Extract<Step, { kind: 'answer' }>): Promise<Step> {
  await think(ctx, step.source);
  completeTask(ctx);
  schedulePostTask(ctx);
  return { kind: 'done' };
}
