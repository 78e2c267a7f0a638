/**
 * Whether a turn uses tools is the model's decision, for any message in any language. The fake
 * model here stands for a model that always asks for the right tool: it knows each message's
 * label. Nothing in ducklm may decide in its place.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/model/model-client.js';
import { chat, typesOf } from '../memory/chat-helpers.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { answerNow, FakeModelClient, hasObservations, useTools } from '../support/fake-model-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Call = { tool: string; args: Record<string, unknown> };
const read = (path: string): Call => ({ tool: 'file_read', args: { path } });
const list = (path = '.'): Call => ({ tool: 'list_dir', args: { path } });
const run = (command: string): Call => ({ tool: 'shell_exec_safe', args: { command } });

/** Messages that need a tool, each with the call a good model makes; many languages. */
const NEEDS_TOOL: [string, Call][] = [
  ['Summarize the README', read('README.md')],
  ["What's in my notes?", read('notes.md')],
  ['Tell me about Makefile', read('Makefile')],
  ['Is nginx running?', run('systemctl status nginx')],
  ['Any uncommitted changes?', run('git status')],
  ['Who is logged in on this machine?', run('who')],
  ["Qu'y a-t-il dans ce dossier ?", list()],
  ['¿Cuánto espacio libre queda en el disco?', run('df -h')],
  ['Was steht in der README?', read('README.md')],
  ["Cosa c'è nel Makefile?", read('Makefile')],
  ['O que há nas minhas notas?', read('notes.md')],
  ['这个文件夹里有什么？', list()],
  ['このフォルダには何がありますか？', list()],
  ['Що в цій папці?', list()],
  ['Сколько свободной памяти?', run('free -h')],
];

const MEMORY = "The user's name is Vladimir.";
const MEMORY_QUESTIONS = ['What is my name?', 'Как меня зовут? Ответь коротко.', 'Comment je m’appelle ?', '私の名前は何ですか？'];
const NEITHER = ['hello', 'Привет!', 'Tell me a joke', '¿Qué es un número primo?', 'Danke schön!', '你好'];

const labels = new Map<string, Call | 'answer'>([...NEEDS_TOOL, ...[...MEMORY_QUESTIONS, ...NEITHER].map((m) => [m, 'answer'] as const)]);

/** The user's message: the start of the last message, before the blocks ducklm adds. */
function labelOf(messages: ChatMessage[]): Call | 'answer' {
  const last = messages.at(-1)!.content;
  const message = [...labels.keys()].find((m) => last.startsWith(m));
  if (!message) throw new Error(`no label for: ${last.slice(0, 80)}`);
  return labels.get(message)!;
}

function rightToolModel() {
  return new FakeModelClient({
    chat: {
      action: (messages) => {
        const label = labelOf(messages);
        return label === 'answer' || hasObservations(messages) ? answerNow : useTools([label]);
      },
      recall: (messages) => (labelOf(messages) === 'answer' ? { answer_now: true, relevant_ids: ['0'] } : { use_tools: true, relevant_ids: [] }),
      memory_policy: { should_store: false, summary: '' },
    },
    stream: [{ type: 'content_delta', delta: 'ok' }],
  });
}

function workspace(t: TestApp): void {
  writeFileSync(join(t.dir, 'README.md'), '# Site\nA small site.');
  writeFileSync(join(t.dir, 'notes.md'), 'Buy milk.');
  writeFileSync(join(t.dir, 'Makefile'), 'all:\n\techo hi\n');
  mkdirSync(join(t.dir, 'src'));
}

/** The planner was asked, and the tool it chose ran or waits for the person's approval. */
async function reachedTool(t: TestApp, model: FakeModelClient, message: string): Promise<boolean> {
  model.calls.length = 0;
  const { events } = await chat(t, { message, workspace: t.dir });
  const types = typesOf(events);
  return model.roles().includes('action') && (types.includes('tool_call_started') || types.includes('tool_approval_requested'));
}

describe('the model decides every route', () => {
  it.each([
    ['without memories: the planner decides', false],
    ['with memories: the recall judge decides', true],
  ])('%s, and every tool-needing message in every language reaches its tool', async (_, withMemory) => {
    const model = rightToolModel();
    const t = await startTestApp({ model, runner: new FakeCommandRunner({ stdout: 'fine\n' }) });
    workspace(t);
    if (withMemory) await t.post('/v1/memory', { text: MEMORY, scope: 'global', memory_type: 'fact' });
    const missed: string[] = [];
    for (const [message] of NEEDS_TOOL) if (!(await reachedTool(t, model, message))) missed.push(message);
    expect(missed).toEqual([]);
  });

  it('with memories, questions they answer and small talk never reach the planner', async () => {
    const model = rightToolModel();
    const t = await startTestApp({ model });
    await t.post('/v1/memory', { text: MEMORY, scope: 'global', memory_type: 'fact' });
    for (const message of [...MEMORY_QUESTIONS, ...NEITHER]) {
      model.calls.length = 0;
      const { events } = await chat(t, { message, workspace: t.dir });
      expect(model.roles(), message).not.toContain('action');
      expect(typesOf(events), message).toContain('action_loop_skipped');
    }
  });

  it('a request to act on what the memories say still reaches the planner', async () => {
    const message = 'Based on what you know about my indentation preference, reformat the Makefile';
    const model = new FakeModelClient({
      chat: {
        // The judge finds the memory relevant and sufficient *as knowledge*, and still says a tool is needed.
        recall: { use_tools: true, relevant_ids: ['0'] },
        action: (messages) => (hasObservations(messages) ? answerNow : useTools([read('Makefile')], false)),
        memory_policy: { should_store: false, summary: '' },
      },
      stream: [{ type: 'content_delta', delta: 'ok' }],
    });
    const t = await startTestApp({ model });
    workspace(t);
    await t.post('/v1/memory', { text: 'The user indents with tabs, never spaces.', scope: 'global', memory_type: 'preference' });
    const { events } = await chat(t, { message, workspace: t.dir });
    expect(model.roles()).toEqual(['recall', 'action', 'action', 'thinker', 'memory_policy']);
    expect(typesOf(events)).toContain('tool_call_started');
    expect(typesOf(events)).not.toContain('action_loop_skipped');
    // The memory reached the planner, who needs it to do the job right.
    expect(model.calls[1]!.messages.at(-1)!.content).toContain('indents with tabs');
  });

  it('the route follows the model for any message whatsoever (no word in it decides)', async () => {
    let wantsTool = false;
    const model = new FakeModelClient({
      chat: {
        action: (messages) => (wantsTool && !hasObservations(messages) ? useTools([list()]) : answerNow),
        memory_policy: { should_store: false, summary: '' },
      },
      stream: [{ type: 'content_delta', delta: 'ok' }],
    });
    const t = await startTestApp({ model });
    await fc.assert(
      // Blank messages are refused before any task (422), so they have no route to test.
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter((s) => s.trim() !== ''), fc.boolean(), async (message, tool) => {
        wantsTool = tool;
        model.calls.length = 0;
        const { events } = await chat(t, { message, workspace: t.dir });
        expect(model.roles()[0]).toBe('action');
        expect(typesOf(events).includes('tool_call_started')).toBe(tool);
      }),
      { numRuns: 25 },
    );
  });

  it("after the planner's calls marked final, the answer comes without asking the planner again", async () => {
    const model = new FakeModelClient({
      chat: { action: [useTools([read('README.md')], true)], memory_policy: { should_store: false, summary: '' } },
      stream: (messages) => {
        expect(messages.at(-1)!.content).toContain('A small site.');
        return [{ type: 'content_delta', delta: 'It is a small site.' }];
      },
    });
    const t = await startTestApp({ model });
    workspace(t);
    const { r } = await chat(t, { message: 'Summarize the README', workspace: t.dir });
    expect(model.roles()).toEqual(['action', 'thinker', 'memory_policy']);
    expect(r.body).toContain('It is a small site.');
    model.assertComplete();
  });
});
