/**
 * The server outlives its database's bad moments: a full disk or a lock held by another process,
 * in post-task work or under a running task, becomes a visible failure of that work (an event,
 * or the server log when the database cannot take the event); the server keeps answering, tasks
 * in flight end with `done`, and what was committed stays.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { FakeModelClient, hasObservations, useTools } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const REMEMBER = { should_store: true, memory_type: 'fact', summary: 'The user keeps ducks.', importance: 0.7, scope: 'global' };

/** better-sqlite3's error for a full disk or a busy database: a message and a SQLITE_ code. */
function sqliteError(code: string): Error {
  const messages: Record<string, string> = { SQLITE_FULL: 'database or disk is full', SQLITE_BUSY: 'database is locked', SQLITE_IOERR: 'disk I/O error' };
  return Object.assign(new Error(messages[code] ?? code), { name: 'SqliteError', code });
}

/** The store's writes, each made to fail while `failing()` says so (a hand-made faulty disk). */
const WRITES: Array<[keyof Store, string]> = [
  ['events', 'append'],
  ['tasks', 'save'],
  ['conversations', 'addMessage'],
  ['conversations', 'setModelContent'],
  ['memories', 'add'],
  ['memories', 'update'],
  ['memories', 'merge'],
  ['memories', 'supersede'],
];

function faultyDisk(store: Store, code: string, failing: (write: number) => boolean): { writes: () => number; heal: () => void } {
  let writes = 0;
  let healed = false;
  const restore: Array<() => void> = [];
  for (const [repo, method] of WRITES) {
    const target = store[repo] as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = target[method]!;
    target[method] = function (this: unknown, ...args: unknown[]) {
      if (!healed && failing(++writes)) throw sqliteError(code);
      return original.apply(this, args);
    };
    restore.push(() => (target[method] = original));
  }
  return { writes: () => writes, heal: () => ((healed = true), restore.forEach((r) => r())) };
}

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** A planner that reads one file, an answer, and a memory policy that waits for `gate` before it answers. */
function model(gate: Promise<unknown> = Promise.resolve()) {
  return new FakeModelClient({
    chat: {
      action: (m) => (hasObservations(m) ? useTools([], true, 'none') : useTools([{ tool: 'shell_exec_safe', args: { command: 'ls' } }], false, 'none')),
      memory_policy: async () => (await gate, REMEMBER),
      // Once a memory is stored, later tasks ask the recall judge first.
      recall: { use_tools: true, relevant_ids: [] },
    },
    stream: [{ type: 'content_delta', delta: 'You keep ducks.' }],
  });
}

async function appWithLog(gate?: Promise<unknown>): Promise<{ t: TestApp; logged: string[] }> {
  const logged: string[] = [];
  const t = await startTestApp({ model: model(gate), runner: new FakeCommandRunner({ stdout: 'ducks.txt\n' }), log: (line) => logged.push(line) });
  return { t, logged };
}

async function stillServes(t: TestApp): Promise<void> {
  expect((await t.get('/v1/health')).status).toBe(200);
  const next = await t.stream('/v1/chat/stream', { message: 'and now?', workspace: t.dir });
  expect(firstOf(next, 'done').status, JSON.stringify(next.events.filter((e) => e.event === 'error'))).toBe('completed');
}

describe('storage faults', () => {
  it('a full disk right after `done`: the post-task failure is logged, the server stays up, the answer stays saved', async () => {
    let open!: () => void;
    const { t, logged } = await appWithLog(new Promise<void>((resolve) => (open = resolve)));
    // The stream stays open for what is remembered after `done`; this client leaves at `done`.
    const first = await t.openStream('/v1/chat/stream', { message: 'what do I keep?', workspace: t.dir });
    const done = (await first.waitFor('done')).data;
    first.hangUp();
    expect(done.status).toBe('completed');
    const conversationId = done.conversation_id as string;
    // The disk fills up while the memory policy is thinking; every write from now on fails.
    const disk = faultyDisk(t.app.store, 'SQLITE_FULL', () => true);
    open();
    await t.app.runtime.idle();
    expect(logged.join('\n')).toMatch(/memory policy failed .*database or disk is full.*event log could not record it/);
    expect(unhandled).toEqual([]);
    disk.heal();
    // Committed before the fault: the exchange is still there.
    const { json } = await t.get(`/v1/conversations/${conversationId}`);
    expect(json.messages.map((m: { content: string }) => m.content)).toEqual(['what do I keep?', 'You keep ducks.']);
    await stillServes(t);
  });

  it('a database locked by another process for longer than the busy timeout: logged, and the server stays up', { timeout: 60_000 }, async () => {
    let open!: () => void;
    const { t, logged } = await appWithLog(new Promise<void>((resolve) => (open = resolve)));
    const first = await t.openStream('/v1/chat/stream', { message: 'what do I keep?', workspace: t.dir });
    expect((await first.waitFor('done')).data.status).toBe('completed');
    first.hangUp();
    // Another process (a second connection) takes the write lock and holds it.
    const other = new Database(t.app.config.dbPath);
    other.exec('BEGIN EXCLUSIVE');
    try {
      open();
      await t.app.runtime.idle();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(logged.join('\n')).toMatch(/database is locked/);
    expect(unhandled).toEqual([]);
    await stillServes(t);
  });

  it('a task in flight when the disk fills ends with `done` and an error that says why', async () => {
    const { t, logged } = await appWithLog();
    const disk = faultyDisk(t.app.store, 'SQLITE_FULL', (n) => n >= 3);
    const r = await t.stream('/v1/chat/stream', { message: 'what do I keep?', workspace: t.dir });
    expect(firstOf(r, 'error')).toMatchObject({ code: 'storage_failed', message: expect.stringContaining('database or disk is full') });
    expect(firstOf(r, 'done').status).toBe('failed');
    await t.app.runtime.idle();
    expect(logged.join('\n')).toMatch(/could not be written: database or disk is full/);
    disk.heal();
    await stillServes(t);
  });

  it('whichever write fails, for however long, with whichever code: every stream ends with `done`, nothing is unhandled, the server answers', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.option(fc.integer({ min: 1, max: 10 })),
        fc.constantFrom('SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_IOERR'),
        async (from, length, code) => {
          const { t } = await appWithLog();
          const disk = faultyDisk(t.app.store, code, (n) => n >= from && (length === null || n < from + length));
          const r = await t.stream('/v1/chat/stream', { message: 'what do I keep?', workspace: t.dir });
          // Its run ends with `done`; what is remembered after it may follow.
          if (r.status === 200) expect(r.events.map((e) => e.event)).toContain('done');
          // Refused before the stream began (the task could not even be created): a clear 503, no stack.
          else expect(r).toMatchObject({ status: 503, json: { error: { code: 'storage_unavailable' } } });
          await t.app.runtime.idle();
          expect(unhandled).toEqual([]);
          disk.heal();
          await stillServes(t);
        },
      ),
      { numRuns: 30 },
    );
  });
});
