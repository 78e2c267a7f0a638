import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directive, FakeModelClient } from '../support/fake-model-client.js';
import { Store } from '../../src/store/store.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { chat, eventOf, quietPolicy, typesOf } from './chat-helpers.js';

const LESSON = 'Use make deploy-staging for staging; plain make deploy goes to production.';

describe('the lesson loop', () => {
  it("a reflection from task 1 reaches the planner of a similar task 2, and only there", async () => {
    const model = new FakeModelClient({
      chat: { action: directive(), memory_policy: quietPolicy, critic: LESSON },
      stream: [{ type: 'content_delta', delta: 'done' }],
    });
    const t = await startTestApp({ model, env: { DUCK_ENABLE_REFLECTION: '1' } });
    const first = await chat(t, { message: 'Run the deploy script for staging.', workspace: t.dir });
    const lessonId = eventOf(first.events, 'reflection_completed')!.experience_id;
    expect(typesOf(first.events)).not.toContain('experience_applied');
    expect((await t.get('/v1/experience')).json[0]).toMatchObject({ id: lessonId, task_message: 'Run the deploy script for staging.', workspace: t.dir });

    model.calls.length = 0;
    const second = await chat(t, { message: 'Run the staging deploy scripts again, please.', workspace: t.dir });
    expect(eventOf(second.events, 'experience_applied')).toMatchObject({ experience_ids: [lessonId], lessons: [LESSON] });
    const planner = model.calls.find((c) => c.role === 'action')!.messages;
    expect(planner.at(-1)!.content).toContain(LESSON);
    // In the planner's own last message, not the prefix every role shares.
    expect(planner.slice(0, -1).some((m) => m.content.includes(LESSON))).toBe(false);
    expect(model.calls.find((c) => c.role === 'thinker')!.messages.some((m) => m.content.includes(LESSON))).toBe(false);

    // A task that does not resemble it gets no lesson; neither does another workspace.
    const unrelated = await chat(t, { message: 'Check the disk usage of the home folder.', workspace: t.dir });
    expect(typesOf(unrelated.events)).not.toContain('experience_applied');
    const elsewhere = join(t.dir, 'other');
    mkdirSync(elsewhere);
    const other = await chat(t, { message: 'Run the deploy script for staging.', workspace: elsewhere });
    expect(typesOf(other.events)).not.toContain('experience_applied');
  });

  it('no lesson is claimed when the planner is skipped', async () => {
    const model = new FakeModelClient({
      chat: { action: directive(), recall: { answer_now: true, relevant_ids: [] }, memory_policy: quietPolicy, critic: 'Greet back briefly.' },
      stream: [{ type: 'content_delta', delta: 'hi' }],
    });
    const t = await startTestApp({ model, env: { DUCK_ENABLE_REFLECTION: '1' } });
    await chat(t, { message: 'hello there', workspace: t.dir });
    // With a memory in view the recall judge decides the route, and here it needs no planner.
    await t.post('/v1/memory', { text: 'The user likes brief greetings.', scope: 'global' });
    model.calls.length = 0;
    const again = await chat(t, { message: 'hello there again', workspace: t.dir });
    expect(typesOf(again.events)).toContain('action_loop_skipped');
    expect(typesOf(again.events)).not.toContain('experience_applied');
    expect(model.roles()).not.toContain('action');
  });
});

describe('lessons that do not pile up', () => {
  const RESTATED = 'Plain `make deploy` goes to production; use make deploy-staging for staging!';
  const OTHER = 'Check free disk space with df -h before copying large folders.';

  it('a lesson the critic gives again confirms the one kept instead of adding a copy', async () => {
    const lessons = [LESSON, RESTATED, OTHER, LESSON];
    const model = new FakeModelClient({
      chat: { action: directive(), memory_policy: quietPolicy, critic: lessons },
      stream: [{ type: 'content_delta', delta: 'done' }],
    });
    const t = await startTestApp({ model, env: { DUCK_ENABLE_REFLECTION: '1' } });
    const kept: Record<string, unknown>[] = [];
    for (const message of ['Run the deploy script for staging.', 'Deploy to staging again.', 'Copy the photos folder to the backup disk.', 'Staging deploy, once more.']) {
      kept.push(eventOf((await chat(t, { message, workspace: t.dir })).events, 'reflection_completed')!);
    }
    expect(kept.map((e) => e.confirmations)).toEqual([1, 2, 1, 3]);
    expect(new Set(kept.map((e) => e.experience_id)).size).toBe(2);
    expect(kept[1]!.experience_id).toBe(kept[0]!.experience_id);

    const list = (await t.get('/v1/experience')).json as { lesson: string; confirmations: number; confirmed_at: string | null }[];
    expect(list.map((l) => [l.lesson, l.confirmations])).toEqual(
      expect.arrayContaining([
        [LESSON, 3],
        [OTHER, 1],
      ]),
    );
    expect(list).toHaveLength(2);
  });

  it('copies stored before lessons were confirmed are merged at start-up, each copy counting', async () => {
    const dir = tempDir();
    const store = Store.open(join(dir, 'duck.sqlite3'));
    for (let i = 0; i < 10; i++) store.experience.add({ taskId: `t${i}`, lesson: i % 2 ? LESSON : RESTATED, taskMessage: 'Deploy to staging.', workspace: dir });
    store.experience.add({ taskId: 'tx', lesson: OTHER, taskMessage: 'Copy photos.', workspace: dir });
    store.experience.add({ taskId: 'ty', lesson: LESSON, taskMessage: 'Deploy to staging.', workspace: join(dir, 'elsewhere') });
    store.close();

    const t = await startTestApp({ model: new FakeModelClient(), dir });
    const list = (await t.get('/v1/experience')).json as { lesson: string; workspace: string; confirmations: number }[];
    expect(list.map((l) => [l.workspace === dir ? 'here' : 'elsewhere', l.confirmations]).sort()).toEqual([
      ['elsewhere', 1],
      ['here', 1],
      ['here', 10],
    ]);
    // The oldest copy is the one kept.
    expect(list.find((l) => l.confirmations === 10)!.lesson).toBe(RESTATED);
  });
});
