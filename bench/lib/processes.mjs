/** Starting and stopping the processes the bench measures: the fake model and ducklm itself. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { getJson, postJson } from './client.mjs';

export const ROOT = join(import.meta.dirname, '..', '..');
const BENCH = join(ROOT, 'bench');

/** Spawns a node process and resolves with the first stdout match of `pattern`. */
async function startProcess(args, { env, pattern, ipc = false, name }) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${name} exited early (code ${code}): ${stderr}`);
  });
  const ready = (async () => {
    for await (const line of lines) {
      const match = pattern.exec(line);
      if (match) return match[1];
    }
    throw new Error(`${name}: stdout closed before it was ready: ${stderr}`);
  })();
  const value = await Promise.race([ready, exited]);
  exited.catch(() => {});
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout.resume();
  return { child, value, stderr: () => stderr };
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startFakeModel() {
  const { child, value: baseUrl } = await startProcess([join(BENCH, 'fake-model.mjs')], { env: { PATH: process.env.PATH }, pattern: /^fake model listening on (\S+)$/, name: 'fake model' });
  const root = baseUrl.replace(/\/v1$/, '');
  return {
    baseUrl,
    pid: child.pid,
    configure: (config) => postJson(`${root}/_bench/config`, null, config),
    log: () => getJson(`${root}/_bench/log`),
    reset: () => postJson(`${root}/_bench/reset`, null, {}),
    last: (role) => getJson(`${root}/_bench/last?role=${role}`),
    stop: () => stopProcess(child),
  };
}

/** Request/answer over the IPC channel (probe.mjs and inproc-server.mjs answer). */
function ipc(child) {
  let nextId = 1;
  const waiting = new Map();
  child.on('message', (message) => {
    const resolve = waiting.get(message?.id);
    if (resolve) {
      waiting.delete(message.id);
      resolve(message);
    }
  });
  return (message) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`no IPC answer to ${message.bench}`));
      }, 30_000);
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      child.send({ ...message, id });
    });
}

/**
 * ducklm as a child process, instrumented by probe.mjs:
 * kind 'serve'  = `node --import bench/probe.mjs bin/ducklm.js serve --port 0` (the real server,
 *                 its real OpenAI-compatible client talking HTTP to the fake model);
 * kind 'inproc' = bench/inproc-server.mjs: createApp() with a fake ModelClient object.
 */
export async function startDucklm(kind, { dbPath, token, modelBaseUrl, extraEnv = {} }) {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DUCK_API_TOKEN: token,
    DUCK_DB_PATH: dbPath,
    DUCK_DATA_DIR: join(dbPath, '..', 'data'),
    DUCK_MODEL: 'bench-other',
    DUCK_MODEL_ACTION: 'bench-action',
    DUCK_MODEL_THINKER: 'bench-thinker',
    DUCK_MODEL_RECALL: 'bench-recall',
    DUCK_MODEL_MEMORY_POLICY: 'bench-memory',
    DUCK_MODEL_CRITIC: 'bench-critic',
    ...(modelBaseUrl ? { DUCK_MODEL_BASE_URL: modelBaseUrl } : {}),
    ...extraEnv,
  };
  const args =
    kind === 'serve'
      ? ['--import', pathToFileURL(join(BENCH, 'probe.mjs')).href, join(ROOT, 'bin', 'ducklm.js'), 'serve', '--port', '0']
      : [join(BENCH, 'inproc-server.mjs')];
  const { child, value: url, stderr } = await startProcess(args, { env, pattern: /^ducklm listening on (http:\/\/\S+)$/, ipc: true, name: `ducklm (${kind})` });
  const call = ipc(child);
  return {
    kind,
    url,
    pid: child.pid,
    stderr,
    resetProbe: () => call({ bench: 'reset' }),
    probe: async () => (await call({ bench: 'stats' })).stats,
    /** Only for kind 'inproc': the fake ModelClient's timing. */
    configureModel: (config) => call({ bench: 'model', config }),
    stop: () => stopProcess(child),
  };
}
