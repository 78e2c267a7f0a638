/**
 * One directive runs a bounded number of actions: the rest do not run, and the planner is told.
 * (A steered planner once ran 400 commands unasked from one reply.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ACTIONS_PER_DIRECTIVE } from '../../src/runtime/action-loop.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { FakeModelClient, hasObservations, useTools } from '../support/fake-model-client.js';
import { firstOf } from '../support/sse-client.js';
import { startTestApp } from '../support/test-app.js';

const quiet = { memory_policy: { should_store: false, summary: '' } };

/** A planner that asks for `count` read-only commands at once (marked final), then for nothing. */
function floodingPlanner(count: number, final = true) {
  const actions = Array.from({ length: count }, (_, i) => ({ tool: 'shell_exec_safe', args: { command: `ls -la dir${i}` } }));
  return new FakeModelClient({
    chat: { action: (m) => (hasObservations(m) ? useTools([], true, 'none') : useTools(actions, final, 'none')), ...quiet },
    stream: [{ type: 'content_delta', delta: 'done' }],
  });
}

async function run(count: number, final = true) {
  const model = floodingPlanner(count, final);
  const runner = new FakeCommandRunner({ stdout: 'ok\n' });
  const t = await startTestApp({ model, runner });
  const r = await t.stream('/v1/chat/stream', { message: 'look around', workspace: t.dir });
  return { model, runner, events: r };
}

const plannerPrompts = (model: FakeModelClient) => model.calls.filter((c) => c.role === 'action').map((c) => c.messages.at(-1)?.content ?? '');

describe('a directive runs at most a bounded number of actions', () => {
  it('400 commands in one directive: the first 8 run, the planner hears that 392 did not', async () => {
    const { model, runner, events } = await run(400);
    expect(runner.calls).toHaveLength(MAX_ACTIONS_PER_DIRECTIVE);
    // The first ones, in order (the spec's shape is the shell tool's business: look for the word).
    runner.calls.forEach((call, i) => expect(JSON.stringify(call.spec)).toContain(`dir${i}"`));
    // Cut short, "final" no longer holds: the planner is asked again and sees what did not run.
    const prompts = plannerPrompts(model);
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain('the other 392 did not run');
    expect(firstOf(events, 'done').status).toBe('completed');
  });

  it('any number of actions: min(n, bound) run, and the planner is told exactly when some were dropped', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.boolean(), async (count, final) => {
        const { model, runner } = await run(count, final);
        expect(runner.calls).toHaveLength(Math.min(count, MAX_ACTIONS_PER_DIRECTIVE));
        const told = plannerPrompts(model).some((p) => p.includes(`asked for ${count} actions`));
        expect(told).toBe(count > MAX_ACTIONS_PER_DIRECTIVE);
      }),
      { numRuns: 25 },
    );
  });
});
