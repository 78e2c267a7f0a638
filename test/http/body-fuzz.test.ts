/**
 * Whatever a client sends as a body, every POST/PATCH route answers with a clear 4xx JSON error
 * (or does its job), never a 5xx and never a stack, and the server keeps answering.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/http/json-body.js';
import { directive, FakeModelClient } from '../support/fake-model-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ROUTES: Array<{ method: 'POST' | 'PATCH'; path: string }> = [
  { method: 'POST', path: '/v1/chat/stream' },
  { method: 'POST', path: '/v1/tasks/t1/continue/stream' },
  { method: 'POST', path: '/v1/tasks/t1/password/stream' },
  { method: 'POST', path: '/v1/tasks/t1/cancel' },
  { method: 'POST', path: '/v1/approvals/a1/allow_once' },
  { method: 'POST', path: '/v1/approvals/a1/allow_always' },
  { method: 'POST', path: '/v1/approvals/a1/deny' },
  { method: 'POST', path: '/v1/memory' },
  { method: 'POST', path: '/v1/memory/import' },
  { method: 'PATCH', path: '/v1/memory/m1' },
];

function nested(depth: number, kind: 'array' | 'object' | 'mixed', leaf = '1'): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    open += asArray ? '[' : '{"a":';
    close = (asArray ? ']' : '}') + close;
  }
  return open + leaf + close;
}

/** A JSON value placed where a route reads a field, so that the deep part gets past the first check. */
function inField(field: string, deepJson: string): string {
  return `{"message":"hi","workspace":"/tmp","text":"x","approval_id":"a1","password":"p","memories":[{"text":"x","metadata":{"k":${deepJson}}}],"${field}":${deepJson}}`;
}

const deepBody = fc
  .record({ depth: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 20_000 })), kind: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const), field: fc.constantFrom('metadata', 'message', 'importance', 'memories', 'x'), wrap: fc.boolean() })
  .map(({ depth, kind, field, wrap }) => (wrap ? inField(field, nested(depth, kind)) : nested(depth, kind)));

/** A body that fast-check reports by its length and start, not all 20,000 levels of it. */
class Body {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return `Body(${this.text.length} chars: ${JSON.stringify(this.text.slice(0, 80))})`;
  }
}

const randomBody = fc.oneof(
  deepBody,
  fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
  fc.record({ message: fc.jsonValue(), workspace: fc.jsonValue(), text: fc.jsonValue(), metadata: fc.jsonValue(), approval_id: fc.jsonValue(), memories: fc.jsonValue() }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
).map((text) => new Body(text));

async function send(t: TestApp, method: string, path: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${t.baseUrl}${path}`, { method, headers: { ...t.auth, 'content-type': contentType }, body });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

function expectClientAnswer(r: { status: number; contentType: string; text: string }, what: string): void {
  expect(r.status, `${what} answered ${r.status}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400) {
    expect(r.contentType).toContain('application/json');
    const json = JSON.parse(r.text) as { error: { code: string; message: string } };
    expect(typeof json.error.code).toBe('string');
    expect(typeof json.error.message).toBe('string');
    // No stack trace, no exception text from inside.
    expect(r.text).not.toMatch(/\n\s+at |\.ts:\d+|RangeError|Maximum call stack/);
  }
}

const quietModel = () =>
  new FakeModelClient({
    chat: { action: () => directive([], 'none'), memory_policy: { should_store: false, summary: '' } },
    stream: [{ type: 'content_delta', delta: 'ok' }],
  });

describe('no request body makes the server fail', () => {
  it('a JSON body nested 20,000 deep is a 4xx on every route, and the server keeps answering', async () => {
    const t = await startTestApp({ model: quietModel() });
    for (const { method, path } of ROUTES) {
      for (const body of [nested(20_000, 'array'), nested(20_000, 'object'), inField('metadata', nested(20_000, 'object'))]) {
        const r = await send(t, method, path, body);
        expectClientAnswer(r, `${method} ${path}`);
        expect(r.status).toBeGreaterThanOrEqual(400);
      }
    }
    expect((await t.get('/v1/health')).status).toBe(200);
  });

  it('random, deep and odd bodies to each POST route: never a 5xx, never a stack', { timeout: 240_000 }, async () => {
    const t = await startTestApp({ model: quietModel() });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), randomBody, async ({ method, path }, body) => {
        expectClientAnswer(await send(t, method, path, body.text), `${method} ${path}`);
      }),
      { numRuns: 300 },
    );
    expect((await t.get('/v1/health')).status).toBe(200);
  });

  it('a body too large is a 413, an unknown content type a 415, both as JSON', async () => {
    const t = await startTestApp({ model: quietModel() });
    const huge = await send(t, 'POST', '/v1/memory', JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }));
    expectClientAnswer(huge, 'huge');
    expect(huge.status).toBe(413);
    const form = await send(t, 'POST', '/v1/memory', 'text=x', 'text/plain');
    expectClientAnswer(form, 'text/plain');
    expect(form.status).toBe(415);
    expect((await t.get('/v1/health')).status).toBe(200);
  });
});

describe('jsonDepth', () => {
  const depthOf = (value: unknown): number => (value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0);

  it('agrees with the parsed value, whatever the strings hold', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.boolean(), (value, pretty) => {
        expect(jsonDepth(JSON.stringify(value, null, pretty ? 2 : undefined))).toBe(depthOf(value));
      }),
    );
    expect(jsonDepth('{"a":"[[[\\"]]]","b":[1]}')).toBe(2);
    expect(jsonDepth(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toBe(MAX_JSON_DEPTH + 1);
  });
});
