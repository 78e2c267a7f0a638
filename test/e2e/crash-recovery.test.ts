/**
 * `kill -9` in the middle of an answer, then a restart on the same database: the task does not
 * stay "running" forever. It ends as failed with an `interrupted` error in its log, in agreement
 * with its row, and a follower that comes back is told so.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAIServer } from '../support/fake-openai-server.js';
import { e2eAuth as auth, serveProcesses } from '../support/serve-process.js';
import { openFollow, openStream, type SseEvent } from '../support/sse-client.js';
import { tempDir } from '../support/temp-dir.js';

const serve = serveProcesses();
const textOf = (events: SseEvent[]) => events.filter((e) => e.event === 'content_delta').map((e) => String(e.data.delta)).join('');

describe('a server killed mid-answer', () => {
  it('ends the task as interrupted at the next start; the log, the row and a returning follower agree', async () => {
    const model = await startFakeOpenAIServer(({ model: name }) => {
      if (name === 'planner') return { content: JSON.stringify({ answer_now: true }) };
      // The answer streams its words, then the generation never ends.
      return { content: 'The first words of a long answer', pieceSize: 4, running: new Promise(() => {}) };
    });
    try {
      const dir = tempDir();
      const env = { DUCK_MODEL_BASE_URL: model.baseUrl, DUCK_MODEL: 'thinker', DUCK_MODEL_ACTION: 'planner', DUCK_DB_PATH: join(dir, 'duck.sqlite3') };
      const first = await serve(env);
      const stream = await openStream(first.url, '/v1/chat/stream', { message: 'tell me everything', workspace: dir }, auth);
      await stream.until(() => textOf(stream.seen) === 'The first words of a long answer');
      const taskId = String(stream.seen[0]!.data.task_id);
      const lastId = stream.seen.at(-1)!.id!;

      first.child.kill('SIGKILL');
      await once(first.child, 'exit');
      stream.hangUp();

      const second = await serve(env);
      const task = (await (await fetch(`${second.url}/v1/tasks/${taskId}`, { headers: auth })).json()) as { status: string };
      expect(task.status).toBe('failed');
      const follower = await openFollow(second.url, `/v1/tasks/${taskId}/stream`, { ...auth, 'last-event-id': String(lastId) });
      const told = await follower.rest();
      expect(told.map((e) => e.event)).toEqual(['error', 'done']);
      expect(told[0]!.data).toMatchObject({ code: 'interrupted' });
      expect(told[1]!.data).toMatchObject({ status: 'failed' });
      expect(told.every((e) => e.id! > lastId)).toBe(true);

      // What was written before the kill is kept as the failed answer, and never more than was streamed.
      const conversation = (await (await fetch(`${second.url}/v1/conversations/${String(told[1]!.data.conversation_id)}`, { headers: auth })).json()) as { messages: { role: string; content: string; status: string }[] };
      const kept = conversation.messages.find((m) => m.role === 'assistant');
      if (kept) {
        expect(kept.status).toBe('failed');
        expect('The first words of a long answer'.startsWith(kept.content)).toBe(true);
      }
      const log = (await (await fetch(`${second.url}/v1/tasks/${taskId}/events`, { headers: auth })).json()) as { event_type: string }[];
      expect(log.at(-1)!.event_type).toBe('done');
    } finally {
      await model.close();
    }
  });
});
