import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directive, FakeModelClient } from '../support/fake-model-client.js';
import { startTestApp } from '../support/test-app.js';
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
