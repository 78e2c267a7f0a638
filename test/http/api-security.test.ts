/**
 * The local API's guards: the token on every route, the DNS-rebinding Host check, the Origin
 * check, JSON-only bodies, and no CORS. Host and chunked bodies go through node:http (fetch
 * forbids setting Host).
 */
import { describe, expect, it } from 'vitest';
import { cookieName } from '../../src/http/security/credentials.js';
import { VERSION } from '../../src/version.js';
import { directive, FakeModelClient, hasObservations } from '../support/fake-model-client.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { rawRequest, type RawResponse } from '../support/raw-http.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const chat = { message: 'hello', workspace: '.' };
const portOf = (t: TestApp) => Number(new URL(t.baseUrl).port);

/** An app whose first chat pauses on a shell command, and that pending approval. */
async function withPendingApproval() {
  const model = new FakeModelClient({
    chat: { action: (m) => directive(hasObservations(m) ? [] : [{ tool: 'shell_exec_safe', args: { command: 'uname -a' } }], 'medium'), memory_policy: { should_store: false, summary: '' } },
    stream: [{ type: 'content_delta', delta: 'ok' }],
  });
  const runner = new FakeCommandRunner({ stdout: 'Linux\n' });
  const t = await startTestApp({ model, runner });
  const r = await t.stream('/v1/chat/stream', { message: 'run uname', workspace: t.dir });
  return { t, model, runner, approvalId: firstOf(r, 'tool_approval_requested').approval_id as string };
}

/** A request with the right token and whatever else the test adds. */
const authed = (t: TestApp, options: Parameters<typeof rawRequest>[1]) => rawRequest(t.baseUrl, { ...options, headers: { ...t.auth, ...options.headers } });

const expectError = (r: RawResponse, status: number, code: string) => {
  expect(r.status).toBe(status);
  expect(r.json).toEqual({ error: { code, message: expect.any(String) } });
};

describe('the API token', () => {
  const routes: Array<[string, string, unknown?]> = [
    ['POST', '/v1/chat/stream', chat],
    ['POST', '/v1/tasks/task_x/continue/stream', { approval_id: 'appr_x' }],
    ['POST', '/v1/tasks/task_x/password/stream', { approval_id: 'appr_x', password: 'pw' }],
    ['GET', '/v1/tasks/task_x'],
    ['GET', '/v1/tasks/task_x/events'],
    ['GET', '/v1/approvals/pending'],
    ['GET', '/v1/approvals/appr_x'],
    ['POST', '/v1/approvals/appr_x/allow_once'],
    ['POST', '/v1/approvals/appr_x/deny'],
    ['GET', '/v1/memory'],
    ['POST', '/v1/memory', { text: 'remember me' }],
    ['GET', '/v1/audit/commands'],
    ['GET', '/v1/experience'],
    ['GET', '/v1/conversations/conv_x'],
    ['GET', '/v1/conversations'],
    ['POST', '/v1/tasks/task_x/cancel'],
    ['GET', '/v1/workspaces'],
    ['GET', '/v1/directories'],
    ['DELETE', '/v1/experience/exp_x'],
    ['GET', '/v1/no/such/route'],
  ];

  it('is required on every route group: 401 with WWW-Authenticate, and nothing runs', async () => {
    const model = new FakeModelClient();
    const t = await startTestApp({ model });
    for (const [method, path, body] of routes) {
      const r = await rawRequest(t.baseUrl, { method, path, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 401 });
      expect(r.headers['www-authenticate']).toBe('Bearer realm="ducklm"');
      expect(r.json.error.code).toBe('unauthorized');
    }
    expect(model.calls).toHaveLength(0);
    expect(t.app.store.memories.all(10)).toHaveLength(0);
  });

  it('a wrong token of the same or another length, or a malformed header, is a 401', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const sameLength = t.token.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x'));
    for (const authorization of [`Bearer ${sameLength}`, 'Bearer short', `Bearer ${t.token}x`, `Basic ${t.token}`, 'Bearer', `Bearer  ${t.token} extra`]) {
      expectError(await rawRequest(t.baseUrl, { path: '/v1/approvals/pending', headers: { authorization } }), 401, 'unauthorized');
    }
    expect((await rawRequest(t.baseUrl, { path: '/v1/approvals/pending', headers: { authorization: `bearer ${t.token}` } })).status).toBe(200);
    expect((await t.get('/v1/approvals/pending')).status).toBe(200);
  });

  it('health is open but says only status and version without the token; model details need it', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const open = await rawRequest(t.baseUrl, { path: '/v1/health' });
    expect(open.status).toBe(200);
    expect(open.json).toEqual({ status: 'ok', version: VERSION });
    const full = await t.get('/v1/health');
    expect(full.json).toMatchObject({ status: 'ok', version: VERSION, model: expect.any(Object) });
    expectError(await rawRequest(t.baseUrl, { path: '/v1/health', headers: { authorization: 'Bearer wrong-token-of-some-length' } }), 401, 'unauthorized');
  });

  it('works from the session cookie, for GETs and JSON POSTs', async () => {
    const { t, runner, approvalId } = await withPendingApproval();
    const cookie = `other=1; ${cookieName(portOf(t))}=${t.token}`;
    expect((await rawRequest(t.baseUrl, { path: '/v1/approvals/pending', headers: { cookie } })).json).toHaveLength(1);
    expect((await rawRequest(t.baseUrl, { method: 'POST', path: `/v1/approvals/${approvalId}/allow_once`, headers: { cookie } })).json.status).toBe('allowed');
    expect((await rawRequest(t.baseUrl, { path: '/v1/approvals/pending', headers: { cookie: `${cookieName(portOf(t))}=wrong-token-0123456789` } })).status).toBe(401);
    // Another port's cookie is not ours.
    expect((await rawRequest(t.baseUrl, { path: '/v1/approvals/pending', headers: { cookie: `${cookieName(portOf(t) + 1)}=${t.token}` } })).status).toBe(401);
    expect(runner.calls).toHaveLength(0);
  });

  it('a cookie counts only for our own origin or the user\'s navigation, not for a same-site page on another port', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const cookie = `${cookieName(portOf(t))}=${t.token}`;
    const status = async (site: string) => (await rawRequest(t.baseUrl, { path: '/v1/approvals/pending', headers: { cookie, 'sec-fetch-site': site } })).status;
    expect(await status('same-origin')).toBe(200);
    expect(await status('none')).toBe(200);
    expect(await status('same-site')).toBe(401);
    expect(await status('cross-site')).toBe(401);
  });

  it('a wrong bearer token is a 401 even with a good cookie', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const headers = { cookie: `${cookieName(portOf(t))}=${t.token}`, authorization: 'Bearer wrong-token-0123456789' };
    expectError(await rawRequest(t.baseUrl, { path: '/v1/approvals/pending', headers }), 401, 'unauthorized');
  });

  it('GET /?token= answers the page and sets an HttpOnly SameSite=Strict cookie that then signs requests in', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const r = await rawRequest(t.baseUrl, { path: `/?token=${encodeURIComponent(t.token)}` });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('<div id="app">');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const setCookie = r.headers['set-cookie']!;
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toBe(`${cookieName(portOf(t))}=${t.token}; Path=/; HttpOnly; SameSite=Strict`);
    const cookie = setCookie[0]!.split(';')[0]!;
    expect((await rawRequest(t.baseUrl, { path: '/v1/approvals/pending', headers: { cookie } })).status).toBe(200);
    // Any GET may carry it; a wrong one sets nothing; a POST's query is no credential.
    expect((await rawRequest(t.baseUrl, { path: `/v1/experience?token=${encodeURIComponent(t.token)}&limit=5` })).status).toBe(200);
    // The page itself is public (it shows how to sign in); a wrong token signs nothing in.
    const wrong = await rawRequest(t.baseUrl, { path: '/?token=wrong-token-0123456789' });
    expect(wrong.status).toBe(200);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect((await rawRequest(t.baseUrl, { method: 'POST', path: `/v1/approvals/appr_x/deny?token=${encodeURIComponent(t.token)}` })).status).toBe(401);
  });
});

describe('the DNS-rebinding guard', () => {
  it('refuses a Host that is not one of our loopback names with our port, even with the token', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const port = portOf(t);
    for (const host of [`evil.com:${port}`, `127.0.0.1.nip.io:${port}`, `localhost:${port + 1}`, `127.0.0.1:${port}.evil.com`, `evil-localhost:${port}`, '127.0.0.1', `0.0.0.0:${port}`]) {
      const r = await authed(t, { path: '/v1/approvals/pending', headers: { host } });
      expect({ host, status: r.status }).toEqual({ host, status: 403 });
      expect(r.json.error.code).toBe('forbidden_host');
    }
    // Health is no exception.
    expect((await rawRequest(t.baseUrl, { path: '/v1/health', headers: { host: `evil.com:${port}` } })).status).toBe(403);
  });

  it('accepts 127.0.0.1, localhost and [::1] with our port', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const port = portOf(t);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await authed(t, { path: '/v1/approvals/pending', headers: { host } })).status).toBe(200);
    }
  });
});

describe('the Origin check', () => {
  it('refuses another origin with 403, even with the token, and runs nothing', async () => {
    const { t, runner, approvalId } = await withPendingApproval();
    const port = portOf(t);
    for (const origin of ['http://evil.com', 'null', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, `http://127.0.0.1.nip.io:${port}`]) {
      const r = await authed(t, { method: 'POST', path: `/v1/approvals/${approvalId}/allow_once`, headers: { origin } });
      expect({ origin, status: r.status }).toEqual({ origin, status: 403 });
      expect(r.json.error.code).toBe('forbidden_origin');
    }
    expect((await t.get(`/v1/approvals/${approvalId}`)).json.status).toBe('pending');
    expect(runner.calls).toHaveLength(0);
  });

  it('accepts our own origin', async () => {
    const { t, approvalId } = await withPendingApproval();
    const port = portOf(t);
    expect((await authed(t, { path: '/v1/approvals/pending', headers: { origin: `http://localhost:${port}` } })).status).toBe(200);
    const r = await authed(t, { method: 'POST', path: `/v1/approvals/${approvalId}/allow_once`, headers: { origin: `http://127.0.0.1:${port}` } });
    expect(r.json.status).toBe('allowed');
  });
});

describe('request bodies must be JSON', () => {
  it('a text/plain chat is a 415 before anything runs', async () => {
    const model = new FakeModelClient({ chat: { action: directive() }, stream: [{ type: 'content_delta', delta: 'ran' }] });
    const t = await startTestApp({ model });
    const body = JSON.stringify({ message: 'hello', workspace: t.dir });
    expectError(await authed(t, { method: 'POST', path: '/v1/chat/stream', headers: { 'content-type': 'text/plain' }, body }), 415, 'unsupported_media_type');
    expectError(await authed(t, { method: 'POST', path: '/v1/chat/stream', body }), 415, 'unsupported_media_type');
    expectError(await authed(t, { method: 'POST', path: '/v1/chat/stream', headers: { 'content-type': 'text/plain' }, body, chunked: true }), 415, 'unsupported_media_type');
    expect(model.calls).toHaveLength(0);
    expect((await t.get('/v1/approvals/pending')).json).toEqual([]);
    expect(t.app.store.db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 0 });
  });

  it('a text/plain allow_once (the classic CSRF) is a 415 and the approval stays pending', async () => {
    const { t, runner, approvalId } = await withPendingApproval();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await authed(t, { method: 'POST', path: `/v1/approvals/${approvalId}/allow_once`, headers: { 'content-type': contentType }, body: 'x=1' });
      expectError(r, 415, 'unsupported_media_type');
    }
    expect((await t.get(`/v1/approvals/${approvalId}`)).json.status).toBe('pending');
    expect(runner.calls).toHaveLength(0);
  });

  it('a POST with no body, like allow_once, is fine; so is JSON with a charset', async () => {
    const { t, approvalId } = await withPendingApproval();
    expect((await authed(t, { method: 'POST', path: `/v1/approvals/${approvalId}/allow_once` })).json.status).toBe('allowed');
    const memory = await authed(t, { method: 'POST', path: '/v1/memory', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ text: 'likes tea' }) });
    expect(memory.status).toBe(201);
  });
});

describe('CORS', () => {
  it('never sends access-control-* headers, preflight included', async () => {
    const t = await startTestApp({ model: new FakeModelClient() });
    const port = portOf(t);
    const preflight = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' };
    const responses = [
      await rawRequest(t.baseUrl, { method: 'OPTIONS', path: '/v1/chat/stream', headers: { origin: 'http://evil.com', ...preflight } }),
      await rawRequest(t.baseUrl, { method: 'OPTIONS', path: '/v1/chat/stream', headers: { origin: `http://127.0.0.1:${port}`, ...preflight } }),
      await authed(t, { method: 'OPTIONS', path: '/v1/chat/stream', headers: preflight }),
      await authed(t, { path: '/v1/approvals/pending', headers: { origin: `http://127.0.0.1:${port}` } }),
      await rawRequest(t.baseUrl, { path: '/v1/approvals/pending', headers: { origin: 'http://evil.com' } }),
      await rawRequest(t.baseUrl, { path: '/v1/health' }),
    ];
    for (const r of responses) {
      expect(Object.keys(r.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
      expect(r.status).toBeGreaterThanOrEqual(200);
    }
    expect(responses.map((r) => r.status)).toEqual([403, 401, 404, 200, 403, 200]);
  });
});
