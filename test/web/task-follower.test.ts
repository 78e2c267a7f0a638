/** The page's task follower against a real SSE server that drops connections: it resumes from the last `id`, nothing twice, nothing lost. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../web/src/api.js';
import { followTask } from '../../web/src/chat/task-follower.js';
import { afterThisTest } from '../support/temp-dir.js';

interface Frame {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

const delta = (seq: number, text: string): Frame => ({ seq, type: 'content_delta', data: { task_id: 't1', delta: text } });
const done = (seq: number, status = 'completed'): Frame => ({ seq, type: 'done', data: { task_id: 't1', status, conversation_id: 'c1', generation_stats: null } });

/**
 * Serves `GET /v1/tasks/t1/stream` from a fixed log; `connections[i]` says after how many frames
 * the i-th connection is cut (undefined: the whole rest). Records each request's resume point.
 */
async function logServer(log: Frame[], connections: (number | undefined)[], status = 200) {
  const requests: { lastEventId: string | undefined; client: string | undefined; url: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const lastEventId = req.headers['last-event-id'] as string | undefined;
    requests.push({ lastEventId, client: req.headers['x-ducklm-client'] as string | undefined, url: req.url ?? '' });
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Unknown task: t1' } }));
      return;
    }
    const cut = connections[requests.length - 1];
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': keepalive\n\n');
    const rest = log.filter((f) => f.seq > Number(lastEventId ?? 0));
    for (const frame of rest.slice(0, cut)) res.write(`id: ${frame.seq}\nevent: ${frame.type}\ndata: ${JSON.stringify(frame.data)}\n\n`);
    // A cut connection dies without ending the stream properly, like a network failure.
    if (cut !== undefined) setImmediate(() => res.socket?.destroy());
    else res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterThisTest(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The page calls same-origin paths; here they go to this server.
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => realFetch(typeof input === 'string' && input.startsWith('/') ? `${base}${input}` : input, init)) as typeof fetch;
  return { requests, restore: () => (globalThis.fetch = realFetch) };
}

let restore: (() => void) | undefined;
afterEach(() => restore?.());

function collect() {
  const events: { event: TaskEvent; seq: number | null }[] = [];
  const reconnecting: boolean[] = [];
  return { events, reconnecting, onEvent: (event: TaskEvent, seq: number | null) => events.push({ event, seq }), onReconnecting: (on: boolean) => reconnecting.push(on) };
}

describe('following a task stream', () => {
  it('resumes after a dropped connection from the last id, so the answer has every piece once', async () => {
    const log = [delta(1, 'Ducks '), delta(2, 'float '), delta(4, 'on '), delta(5, 'water.'), done(6)];
    const server = await logServer(log, [2, 0, 1, undefined]);
    restore = server.restore;
    const seen = collect();
    const follower = followTask({ taskId: 't1', after: 0, until: 'end', ...seen });

    expect(await follower.ended).toEqual({ kind: 'ended' });
    const answer = seen.events.map(({ event }) => (event.type === 'content_delta' ? event.delta : '')).join('');
    expect(answer).toBe('Ducks float on water.');
    expect(seen.events.map(({ seq }) => seq)).toEqual([1, 2, 4, 5, 6]);
    expect(server.requests.map((r) => r.lastEventId)).toEqual(['0', '2', '2', '4']);
    expect(server.requests.every((r) => r.client === 'web' && r.url.endsWith('until=end'))).toBe(true);
    expect(seen.reconnecting.at(-1)).toBe(false);
    expect(seen.reconnecting).toContain(true);
  });

  it('starts after the events already shown and skips any it is sent again', async () => {
    const server = await logServer([delta(1, 'a'), delta(2, 'b'), delta(3, 'c'), done(4, 'waiting_for_approval')], [undefined]);
    restore = server.restore;
    const seen = collect();
    const follower = followTask({ taskId: 't1', after: 2, until: 'pause', ...seen });
    expect(await follower.ended).toEqual({ kind: 'ended' });
    expect(seen.events.map(({ seq }) => seq)).toEqual([3, 4]);
    expect(follower.lastSeq).toBe(4);
  });

  it('gives up on a task the server does not know, without retrying', async () => {
    const server = await logServer([], [], 404);
    restore = server.restore;
    const seen = collect();
    const end = await followTask({ taskId: 't1', after: 0, until: 'end', ...seen }).ended;
    expect(end).toMatchObject({ kind: 'failed', beforeAnyEvent: true });
    expect(server.requests).toHaveLength(1);
  });

  it('detaching hangs up while it waits to reconnect', async () => {
    const server = await logServer([delta(1, 'a'), done(2)], [1, 0, 0, 0, 0, 0, 0, 0]);
    restore = server.restore;
    const seen = collect();
    let follower!: ReturnType<typeof followTask>;
    const reconnecting = new Promise<void>((resolve) => {
      follower = followTask({ taskId: 't1', after: 0, until: 'end', onEvent: seen.onEvent, onReconnecting: (on) => on && resolve() });
    });
    await reconnecting;
    follower.detach();
    expect(await follower.ended).toEqual({ kind: 'detached' });
  });
});
