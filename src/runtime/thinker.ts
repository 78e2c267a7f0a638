import { streamRole } from './model-calls.js';
import { thinkerMessages } from './prompts.js';
import { turnHistory, type TaskContext } from './task-context.js';

/** Streams the final answer; reasoning and content deltas go straight to the client. */
export async function think(ctx: TaskContext): Promise<void> {
  ctx.emitter.emit({ type: 'runtime_status', stage: 'answering' });
  const options = ctx.state.reasoning ? { reasoning: ctx.state.reasoning } : {};
  for await (const chunk of streamRole(ctx, 'thinker', thinkerMessages(ctx.state, turnHistory(ctx), ctx.deps.tools), options)) {
    if (chunk.type === 'usage') continue;
    ctx.firstTokenAt ??= performance.now();
    if (chunk.type === 'content_delta') ctx.answer += chunk.delta;
    ctx.emitter.emit({ type: chunk.type, delta: chunk.delta });
  }
}
