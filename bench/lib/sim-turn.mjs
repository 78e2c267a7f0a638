/**
 * One ducklm turn against the simulated model: the client's view (chatStream), the task's event
 * log once its after-answer work is over, and the simulator's records of the turn's model calls.
 */
import { chatStream, getJson } from './client.mjs';

/**
 * The task's event log, once nothing more will come: after the memory policy for a completed
 * task; at once for one that paused (then cancelled, so no approval is left waiting) or failed.
 */
export async function settleTask(h, server, r) {
  if (!r.taskId) return [];
  if (r.done?.status === 'completed') return h.settledEvents(server, r.taskId);
  const events = await getJson(`${server.url}/v1/tasks/${r.taskId}/events`, h.settings.TOKEN);
  if (r.done?.status === 'waiting_for_approval' || r.done?.status === 'waiting_for_password') {
    const response = await fetch(`${server.url}/v1/tasks/${r.taskId}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${h.settings.TOKEN}` } });
    if (!response.ok) throw new Error(`cancel ${r.taskId}: HTTP ${response.status} ${await response.text()}`);
  }
  return events;
}

/**
 * Sends one message (a fresh conversation unless conversationId), waits until the turn and the
 * simulator are done, and returns the stream's result with `log` (the event log) and `calls`
 * (the simulator's records of this turn, after-answer calls included). `cache`: a simulator
 * snapshot to start from.
 */
export async function simTurn(ctx, message, { conversationId, cache } = {}) {
  const { h, sim, server, workspace } = ctx;
  await sim.idle();
  if (cache) sim.restore(cache);
  const from = sim.records.length;
  const r = await chatStream(server.url, h.settings.TOKEN, { message, workspace, debug: true, ...(conversationId ? { conversation_id: conversationId } : {}) });
  const log = await settleTask(h, server, r);
  await sim.idle();
  return { ...r, log, calls: sim.records.slice(from) };
}
