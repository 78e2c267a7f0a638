/**
 * The CLI's side of the API's security, as real processes of the built bin/ducklm.js: loopback
 * unless --allow-remote, the token file (0600, made once, reused), `ducklm token`, the sign-in link.
 */
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertListenAllowed, createHostPolicy } from '../../src/http/security/allowed-hosts.js';
import { assertBuilt, runCli, startServe } from '../support/cli-process.js';
import { tempDir } from '../support/temp-dir.js';

beforeAll(assertBuilt);

/** A private home and data folder, so that nothing touches the real ~/.local/share/ducklm. */
function isolatedEnv(extra: NodeJS.ProcessEnv = {}) {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  return { dir, dataDir, env: { HOME: dir, DUCK_DATA_DIR: dataDir, ...extra } };
}

describe('listening beyond loopback', () => {
  it('`ducklm serve --host 0.0.0.0` without --allow-remote exits non-zero and says why', async () => {
    const { env, dataDir } = isolatedEnv();
    for (const [args, extra] of [[['serve', '--host', '0.0.0.0'], {}], [['serve'], { DUCK_HOST: '192.168.1.10' }]] as const) {
      const r = await runCli([...args], { ...env, ...extra });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Refusing to listen on (0\.0\.0\.0|192\.168\.1\.10).*--allow-remote/s);
      expect(r.stdout).not.toContain('listening');
    }
    // Refused before anything was created.
    expect(existsSync(join(dataDir, 'api-token'))).toBe(false);
  });

  it('loopback names are allowed without the flag, anything else only with it', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) expect(() => assertListenAllowed(host, false)).not.toThrow();
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'my-laptop']) expect(() => assertListenAllowed(host, false)).toThrow(/--allow-remote/);
    expect(() => assertListenAllowed('0.0.0.0', true)).not.toThrow();
  });

  it('with --allow-remote the configured host is also a valid Host; without it, it is not', () => {
    const remote = createHostPolicy({ host: '192.168.1.10', allowRemote: true, port: () => 8765 });
    expect(remote.allowsHost('192.168.1.10:8765')).toBe(true);
    expect(remote.allowsOrigin('http://192.168.1.10:8765')).toBe(true);
    expect(remote.allowsHost('evil.com:8765')).toBe(false);
    const local = createHostPolicy({ host: '127.0.0.1', allowRemote: false, port: () => 8765 });
    expect(local.allowsHost('192.168.1.10:8765')).toBe(false);
    expect(local.allowsHost(undefined)).toBe(false);
  });
});

describe('the token file', () => {
  it('is created with mode 0600 on first start, reused on the next, and printed by `ducklm token`', async () => {
    const { env, dataDir } = isolatedEnv();
    const first = await startServe([], env);
    const file = join(dataDir, 'api-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The first line stays exactly what scripts wait for; the sign-in link follows it.
    const port = new URL(first.url).port;
    expect(first.lines).toEqual([`ducklm listening on http://127.0.0.1:${port}`, `open http://127.0.0.1:${port}/?token=${token}`]);
    const ok = await fetch(`${first.url}/v1/approvals/pending`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect((await fetch(`${first.url}/v1/approvals/pending`)).status).toBe(401);
    await first.stop();

    const second = await startServe([], env);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(second.lines[1]).toBe(`open http://127.0.0.1:${new URL(second.url).port}/?token=${token}`);
    expect(await runCli(['token'], env)).toEqual({ code: 0, stdout: `${token}\n`, stderr: '' });
  });

  it('`ducklm token` creates it when there is none yet, and two at once agree on one token', async () => {
    const { env, dataDir } = isolatedEnv();
    const [a, b] = await Promise.all([runCli(['token'], env), runCli(['token'], env)]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(readFileSync(join(dataDir, 'api-token'), 'utf8').trim()).toBe(a.stdout.trim());
    expect(statSync(join(dataDir, 'api-token')).mode & 0o777).toBe(0o600);
  });

  it('DUCK_API_TOKEN wins, and no file is made; a weak one is refused', async () => {
    const { env, dataDir } = isolatedEnv();
    const token = 'my-own-token-0123456789';
    expect((await runCli(['token'], { ...env, DUCK_API_TOKEN: token })).stdout).toBe(`${token}\n`);
    const served = await startServe([], { ...env, DUCK_API_TOKEN: token });
    expect(served.lines[1]).toMatch(new RegExp(`/\\?token=${token}$`));
    expect(existsSync(join(dataDir, 'api-token'))).toBe(false);
    for (const weak of ['short', 'has spaces in it 0123456789', 'semi;colon;0123456789']) {
      const r = await runCli(['token'], { ...env, DUCK_API_TOKEN: weak });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('DUCK_API_TOKEN');
    }
  });

  it('a token file others can read is refused with the fix in the message', async () => {
    const { env, dataDir } = isolatedEnv();
    await runCli(['token'], env);
    const file = join(dataDir, 'api-token');
    chmodSync(file, 0o644);
    const r = await runCli(['serve', '--port', '0'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`chmod 600 ${file}`);
  });
});
