/**
 * What every scenario shares: the timestamped log, a scratch workspace, the processes under test
 * (tracked so that cleanup() stops them all) and waiting for a task's after-answer work.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getJson } from './client.mjs';
import { startDucklm, startFakeModel } from './processes.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function createHarness(settings) {
  const { TOKEN } = settings;
  const started = performance.now();
  const log = (message) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);

  const tmp = mkdtempSync(join(tmpdir(), 'ducklm-bench-'));
  const workspace = join(tmp, 'workspace');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  writeFileSync(join(workspace, 'README.md'), '# demo\n');
  writeFileSync(join(workspace, 'package.json'), '{"name":"demo"}\n');
  writeFileSync(join(workspace, 'src', 'index.js'), 'console.log(1);\n');

  const processes = [];
  async function cleanup() {
    for (const p of processes.splice(0).reverse()) await p.stop().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }

  async function startFake() {
    const fake = await startFakeModel();
    processes.push(fake);
    return fake;
  }

  async function newDucklm(kind, name, fake) {
    const dbPath = join(tmp, `${name}.sqlite3`);
    const server = await startDucklm(kind, { dbPath, token: TOKEN, modelBaseUrl: fake?.baseUrl });
    server.dbPath = dbPath;
    processes.push(server);
    await sleep(200);
    const idle = await server.probe();
    server.idle = { rssMB: idle.peakMemory.rss / 2 ** 20, heapUsedMB: idle.peakMemory.heapUsed / 2 ** 20 };
    return server;
  }

  async function configure(fake, server, model) {
    await fake.configure(model);
    if (server?.kind === 'inproc') await server.configureModel(model);
  }

  /** Waits until a task's after-answer work (memory policy) has left its events; returns them. */
  async function settledEvents(server, taskId, timeoutMs = 60_000) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const events = await getJson(`${server.url}/v1/tasks/${taskId}/events`, TOKEN);
      if (events.some((e) => e.event_type === 'memory_policy_decision' || e.event_type === 'memory_policy_failed')) return events;
      if (performance.now() > deadline) throw new Error(`task ${taskId}: the memory policy never finished`);
      await sleep(20);
    }
  }

  return { settings, started, log, workspace, cleanup, startFake, newDucklm, configure, settledEvents };
}
