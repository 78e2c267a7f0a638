import type { TaskContext } from './task-context.js';

/**
 * Before the first prompt of a run lists the tools: tools that start lazily (MCP servers) are
 * started, and each server that could not be is told to the task (an event) and to the planner
 * (its tool list names it, see prompts.ts). A plain registry has nothing to prepare.
 */
export async function prepareTools(ctx: TaskContext): Promise<void> {
  const { tools } = ctx.deps;
  if (!tools.prepare || ctx.toolsPrepared) return;
  ctx.toolsPrepared = true;
  const trouble = await tools.prepare(ctx.signal);
  ctx.state.toolTrouble = trouble;
  for (const { server, message } of trouble) ctx.emitter.emit({ type: 'tool_server_unavailable', server, message });
}
