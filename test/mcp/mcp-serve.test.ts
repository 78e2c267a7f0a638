/**
 * `ducklm serve` with MCP servers in its ducklm.config.json: started only when asked, and never
 * outliving ducklm, whether it is stopped in order (SIGTERM) or killed.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startServe } from '../support/cli-process.js';
import { tempDir } from '../support/temp-dir.js';
import { EVERYTHING, eventually } from './mcp-support.js';

const TOKEN = 'mcp-serve-token-0123456789-abcdef';

beforeAll(() => assertBuilt());

/** Processes anywhere on the machine whose command line has `marker`. */
function processesWith(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(marker))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

async function serveWithEverything(): Promise<{ marker: string; stop(signal?: NodeJS.Signals): Promise<void>; startServer(): Promise<Record<string, unknown>> }> {
  const dir = tempDir();
  // The everything server ignores a second argument: it marks this test's server among the machine's processes.
  const marker = `mcp-marker-${randomUUID()}`;
  writeFileSync(join(dir, 'ducklm.config.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio', marker] } } }));
  const served = await startServe([], { HOME: dir, DUCK_DATA_DIR: dir, DUCK_API_TOKEN: TOKEN });
  const startServer = async () => {
    const response = await fetch(`${served.url}/v1/mcp/servers/everything/start`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    return (await response.json()) as Record<string, unknown>;
  };
  return { marker, stop: served.stop, startServer };
}

describe('MCP servers of ducklm serve', () => {
  it('start only when asked, and stop with ducklm (SIGTERM)', async () => {
    const { marker, stop, startServer } = await serveWithEverything();
    expect(processesWith(marker)).toEqual([]);
    expect(await startServer()).toMatchObject({ name: 'everything', state: 'ready' });
    expect(processesWith(marker)).toHaveLength(1);
    await stop('SIGTERM');
    expect(processesWith(marker)).toEqual([]);
  });

  it('do not outlive a ducklm that was killed: the server sees its input close and exits', async () => {
    const { marker, stop, startServer } = await serveWithEverything();
    expect(await startServer()).toMatchObject({ state: 'ready' });
    await stop('SIGKILL');
    await eventually(() => processesWith(marker).length === 0, 'the orphaned server to exit', 30_000);
  });
});
