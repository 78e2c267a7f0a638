/**
 * Section 6: ducklm against a simulated local model (bench/sim/: prefill and generation speeds,
 * two slots with prompt-prefix caches, shared compute, an oracle that always asks for the right
 * tool). The routing set at near-instant speed, then per speed setting the three TTFT ratios and
 * the prompt cache share. The simulator runs in this process; ducklm is `ducklm serve` pointed at it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getJson, pool, postJson } from '../lib/client.mjs';
import { checkRoutingSet, createWorkspace, MEMORIES, ROUTING_SET } from '../sim/routing-set.mjs';
import { startSimServer } from '../sim/server.mjs';
import { measureCacheShare, measureRatios, sessionCache } from './sim-ratios.mjs';
import { measureRouting } from './sim-routing.mjs';

export async function measureSim(h) {
  const S = h.settings.SIM;
  checkRoutingSet();
  const workspace = join(dirname(h.workspace), 'sim-workspace');
  mkdirSync(workspace, { recursive: true });
  createWorkspace(workspace);
  const sim = await startSimServer({ speed: S.ROUTING_SPEED, slots: S.SLOTS, messages: ROUTING_SET });
  try {
    const server = await h.newDucklm('serve', 'sim', sim);
    // Which server ducklm took the simulator for (its /props makes it llama.cpp).
    const modelServer = (await getJson(`${server.url}/v1/health`, h.settings.TOKEN)).model?.detail ?? null;
    await pool(Object.values(MEMORIES), 4, (text) => postJson(`${server.url}/v1/memory`, h.settings.TOKEN, { text, scope: 'global', memory_type: 'fact', importance: 0.6 }));
    const ctx = { h, sim, server, workspace };

    h.log(`  routing set: ${ROUTING_SET.length} messages at ${S.ROUTING_SPEED.label} speed`);
    const routing = await measureRouting(ctx);

    const settings = [];
    for (const speed of S.SPEEDS) {
      // The session state is the same token for token at any speed: made at the fast one.
      sim.configure(S.ROUTING_SPEED);
      const session = await sessionCache(ctx);
      sim.configure(speed, { clearCaches: false });
      const ratios = await measureRatios(ctx, speed, { runs: S.RUNS[speed.key], warmup: S.WARMUP[speed.key], cache: session });
      const cache = await measureCacheShare(ctx, speed, session);
      settings.push({ ...speed, runs: S.RUNS[speed.key], warmup: S.WARMUP[speed.key], ratios, cache });
    }
    await server.stop();
    const problems = [...routing.problems, ...settings.flatMap((s) => [...s.ratios.flatMap((r) => r.problems.map((p) => `${s.label} ${r.key}: ${p}`)), ...s.cache.problems.map((p) => `${s.label} cache: ${p}`)])];
    return { modelServer, memories: Object.keys(MEMORIES).length, slots: S.SLOTS, routingSpeed: S.ROUTING_SPEED, targets: S.TARGETS, routing, settings, problems };
  } finally {
    await sim.stop();
  }
}
