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
  // A resumed task has told its followers already about a server still down for the same reason.
  const told = new Set(ctx.state.toolTrouble.map((t) => `${t.server}\n${t.message}`));
  ctx.state.toolTrouble = trouble;
  for (const { server, message } of trouble) if (!told.has(`${server}\n${message}`)) ctx.emitter.emit({ type: 'tool_server_unavailable', server, message });
}
