/**
 * The follower of a task's stream against a scripted HTTP server: where it reconnects from, what
 * it sends, when it retries and when it gives up. (The tmux tests run it against the real server.)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/events/task-event.js';
import { ApiClient } from '../../src/cli/client/api-client.js';
import { followTask, type FollowTimings } from '../../src/cli/client/task-follow.js';
import { afterThisTest } from '../support/temp-dir.js';

const FAST: FollowTimings = { firstRetryMs: 5, maxRetryMs: 20, giveUpMs: 300, idleMs: 2000 };
const STATS = { model_calls: 1, prompt_tokens: 1, completion_tokens: 1, time_to_first_token_ms: 1, total_ms: 1, min_tokens_per_second: 1, avg_tokens_per_second: 1, max_tokens_per_second: 1 };

const delta = (seq: number, text: string) => ({ seq, type: 'content_delta', data: { task_id: 't1', delta: text } });
const done = (seq: number) => ({ seq, type: 'done', data: { task_id: 't1', conversation_id: 'c1', status: 'completed', generation_stats: STATS } });
type Frame = ReturnType<typeof delta> | ReturnType<typeof done>;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

/** Answers each request with the next handler; records what was asked. */
async function scriptedServer(handlers: Array<(res: ServerResponse) => void>) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    const handler = handlers.shift();
    if (!handler) return void res.writeHead(500).end();
    req.resume();
    req.on('end', () => handler(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterThisTest(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { api: new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token'), seen };
}

/** Writes the frames; then ends the stream, or drops the connection like a failing network. */
const sse = (frames: Frame[], end: 'end' | 'drop') => (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const f of frames) res.write(`id: ${f.seq}\nevent: ${f.type}\ndata: ${JSON.stringify(f.data)}\n\n`);
  // Closing the socket under an unfinished chunked body is what a cut network looks like to the client.
  if (end === 'end') res.end();
  else res.socket!.end();
};
const status = (code: number) => (res: ServerResponse) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'x', message: `status ${code}` } }));

async function collect(api: ApiClient, hooks: { lost: string[]; back: number }) {
  const events: TaskEvent[] = [];
  const start = { path: '/v1/chat/stream', body: { message: 'hi' } };
  for await (const event of followTask(api, start, new AbortController().signal, { onLost: (r) => hooks.lost.push(r), onBack: () => hooks.back++ }, FAST)) events.push(event);
  return events.map((e) => (e.type === 'content_delta' ? e.delta : e.type));
}

describe('following a task stream', () => {
  it('reconnects after a drop from the last id it saw, through failures, and shows each event once', async () => {
    const { api, seen } = await scriptedServer([
      sse([delta(1, 'Once '), delta(3, 'upon ')], 'drop'),
      status(503),
      // A replay merges the deltas written meanwhile into one frame with the id of the last.
      sse([delta(6, 'a time'), done(7)], 'end'),
    ]);
    const hooks = { lost: [] as string[], back: 0 };
    expect(await collect(api, hooks)).toEqual(['Once ', 'upon ', 'a time', 'done']);
    expect(seen.map((s) => `${s.method} ${s.url} ${s.headers['last-event-id'] ?? ''}`.trim())).toEqual(['POST /v1/chat/stream', 'GET /v1/tasks/t1/stream 3', 'GET /v1/tasks/t1/stream 3']);
    expect(seen.every((s) => s.headers['x-ducklm-client'] === 'terminal')).toBe(true);
    expect(hooks).toMatchObject({ lost: [expect.any(String)], back: 1 });
  });

  it('a stream that ends cleanly before `done` is followed again; one that ends after it is over', async () => {
    const { api, seen } = await scriptedServer([sse([delta(1, 'a')], 'end'), sse([done(2)], 'end')]);
    expect(await collect(api, { lost: [], back: 0 })).toEqual(['a', 'done']);
    expect(seen).toHaveLength(2);
  });

  it('gives up with a clear message when the server stays away', async () => {
    const { api } = await scriptedServer([sse([delta(1, 'a')], 'drop'), ...Array.from({ length: 100 }, () => status(503))]);
    await expect(collect(api, { lost: [], back: 0 })).rejects.toThrow(/could not get it back in .*\. The task may still be running: `ducklm chat --resume` follows it\./);
  });

  it('does not retry what the server refused: an unknown task is an error at once', async () => {
    const { api, seen } = await scriptedServer([sse([delta(1, 'a')], 'drop'), status(404)]);
    await expect(collect(api, { lost: [], back: 0 })).rejects.toThrow('status 404');
    expect(seen).toHaveLength(2);
  });
});
