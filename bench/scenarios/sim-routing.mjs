/**
 * The routing set through ducklm against the simulated model (an oracle that always asks for the
 * right tool when it is asked, at near-instant speed): does every message that needs a tool reach
 * the planner, and which of the others pay for a planner call before their answer? Counted from
 * each task's event log: `model_call` (with its role), `action_directive`, `tool_call_started`,
 * `tool_approval_requested` and the first `content_delta`.
 */
import { ROUTING_SET } from '../sim/routing-set.mjs';
import { simTurn } from '../lib/sim-turn.mjs';

/** What the event log says about one message's route. */
export function routeOf(log) {
  const types = log.map((e) => e.event_type);
  const firstAnswer = types.indexOf('content_delta');
  const actionCalls = log.map((e, i) => (e.event_type === 'model_call' && e.payload.role === 'action' ? i : -1)).filter((i) => i >= 0);
  const toolCall = log.some(
    (e) => (e.event_type === 'action_directive' && e.payload.actions?.length > 0) || e.event_type === 'tool_call_started' || e.event_type === 'tool_approval_requested',
  );
  return {
    reachedPlannerWithTool: toolCall,
    actionCalls: actionCalls.length,
    // No answer at all counts as paying when a planner call happened.
    plannerBeforeAnswer: actionCalls.length > 0 && (firstAnswer < 0 || actionCalls[0] < firstAnswer),
    roles: log.filter((e) => e.event_type === 'model_call').map((e) => e.payload.role),
  };
}

export async function measureRouting(ctx) {
  const { h } = ctx;
  const rows = [];
  for (const entry of ROUTING_SET) {
    const t = await simTurn(ctx, entry.text);
    const route = routeOf(t.log);
    const problems = [];
    if (t.error) problems.push(t.error);
    rows.push({
      text: entry.text,
      lang: entry.lang,
      label: entry.label,
      status: t.done?.status ?? null,
      ...route,
      answeredFromMemory: entry.label === 'memory' ? t.answer.includes(entry.memory) : null,
      answer: t.answer.slice(0, 160),
      problems,
    });
  }
  const of = (label) => rows.filter((r) => r.label === label);
  const tool = of('tool');
  const memory = of('memory');
  const others = rows.filter((r) => r.label !== 'tool');
  const result = {
    messages: rows.length,
    languages: [...new Set(rows.map((r) => r.lang))],
    counts: { tool: tool.length, memory: memory.length, neither: of('neither').length },
    toolReachedPlanner: tool.filter((r) => r.reachedPlannerWithTool).length,
    memoryWithoutAction: memory.filter((r) => r.actionCalls === 0).length,
    memoryAnsweredFromMemory: memory.filter((r) => r.answeredFromMemory).length,
    othersPaidPlanner: others.filter((r) => r.plannerBeforeAnswer).length,
    othersAnyAction: others.filter((r) => r.actionCalls > 0).length,
    othersCount: others.length,
    missedTool: tool.filter((r) => !r.reachedPlannerWithTool).map((r) => r.text),
    paidPlanner: others.filter((r) => r.plannerBeforeAnswer).map((r) => `${r.text} (${r.label})`),
    memoryNotRecalled: memory.filter((r) => !r.answeredFromMemory).map((r) => r.text),
    rows,
    problems: rows.filter((r) => r.problems.length).map((r) => `${r.text}: ${r.problems.join('; ')}`),
  };
  h.log(
    `  routing: ${result.toolReachedPlanner}/${tool.length} tool messages reached the planner; ${result.memoryWithoutAction}/${memory.length} memory questions without an action call; ` +
      `${result.othersPaidPlanner}/${others.length} others paid for a planner call before answering (${result.othersAnyAction} had one at all)`,
  );
  return result;
}
