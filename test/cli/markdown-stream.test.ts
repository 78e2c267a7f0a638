/**
 * A streamed answer on a terminal appears block by block as each block completes, the same
 * however the deltas cut it; notices and the end of the answer show what is pending; and piped or
 * with NO_COLOR the answer is the model's text, delta by delta, exactly as before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/events/task-event.js';
import { renderMarkdown } from '../../src/cli/markdown-terminal.js';
import { MarkdownStream } from '../../src/cli/markdown-stream.js';
import { EventRenderer } from '../../src/cli/render-events.js';
import { TextOut } from '../../src/cli/text-out.js';

/** A terminal (or a pipe) `columns` wide that records what was written. */
function fakeOut(isTTY: boolean, env: NodeJS.ProcessEnv = { TERM: 'xterm-256color' }, columns = 60) {
  const chunks: string[] = [];
  const stream = { isTTY, columns, write: (chunk: string) => (chunks.push(String(chunk)), true) } as unknown as NodeJS.WriteStream;
  return { out: new TextOut(stream, undefined, env), text: () => chunks.join(''), chunks };
}

const delta = (text: string) => ({ type: 'content_delta', task_id: 't', delta: text }) as TaskEvent;
const stats = { model_calls: 1, prompt_tokens: 1, completion_tokens: 3, time_to_first_token_ms: 1, total_ms: 10, min_tokens_per_second: 1, avg_tokens_per_second: 2, max_tokens_per_second: 3 };
const done = { type: 'done', task_id: 't', conversation_id: 'c', status: 'completed', generation_stats: stats } as TaskEvent;

const word = fc.stringMatching(/^[a-z]{1,9}$/);
const line = fc.array(word, { minLength: 1, maxLength: 12 }).map((words) => words.join(' '));
/** Blocks as models write them; each is followed by a blank line in the document. */
const block = fc.oneof(
  line,
  fc.array(line, { minLength: 2, maxLength: 3 }).map((lines) => lines.join('\n')),
  line.map((text) => `## ${text}`),
  line.map((text) => `**${text}** and *${text}*`),
  fc.array(line, { minLength: 1, maxLength: 4 }).map((items) => items.map((item) => `- ${item}`).join('\n')),
  // A loose list: a blank line between its items, and an item's own second paragraph.
  fc.array(line, { minLength: 2, maxLength: 3 }).map((items) => items.map((item, i) => `${i + 1}. ${item}\n\n   ${item}`).join('\n\n')),
  fc.array(line, { minLength: 1, maxLength: 4 }).map((lines) => `\`\`\`\n${lines.join('\n\n')}\n\`\`\``),
  fc.array(line, { minLength: 1, maxLength: 3 }).map((lines) => `~~~~ text\n${lines.join('\n')}\n\n~~~\n~~~~`),
  line.map((text) => `> ${text}`),
  fc.tuple(line, line, line).map(([intro, a, b]) => `${intro}:\n- ${a}\n- ${b}`),
  fc.tuple(line, line).map(([heading, text]) => `### ${heading}\n${text}`),
  line.map((text) => `| a | b |\n| --- | --- |\n| ${text} | x |`),
);
const document = fc
  .tuple(fc.constantFrom('', '\n', '\n\n'), fc.array(block, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n\n', '\n\n\n'))
  .map(([before, blocks, between]) => before + blocks.join(between));

/** `text` cut at the given points. */
function cut(text: string, points: number[]): string[] {
  const at = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((start, i) => text.slice(start, at[i] ?? text.length));
}

function blocksOf(deltas: string[]): string[] {
  const stream = new MarkdownStream();
  const blocks = deltas.flatMap((d) => stream.push(d));
  const rest = stream.flush();
  return rest ? [...blocks, rest] : blocks;
}

describe('cutting a streamed answer into blocks', () => {
  it('gives the same blocks however the deltas cut the text, and loses nothing', () => {
    fc.assert(
      fc.property(document, fc.array(fc.nat(), { maxLength: 12 }), (text, points) => {
        const whole = blocksOf([text]);
        expect(blocksOf(cut(text, points))).toEqual(whole);
        expect(whole.join('')).toBe(text);
      }),
    );
  });

  it('gives a block out as soon as its blank line arrives; a code block only at its closing fence', () => {
    const stream = new MarkdownStream();
    expect(stream.push('First para')).toEqual([]);
    expect(stream.push('graph.\n')).toEqual([]);
    expect(stream.push('\n```sh\necho one\n\necho two\n')).toEqual(['First paragraph.\n\n']);
    expect(stream.push('```\nafter')).toEqual(['```sh\necho one\n\necho two\n```\n']);
    expect(stream.flush()).toBe('after');
  });

  it('keeps a loose list whole across its blank lines, so its numbers go on', () => {
    const stream = new MarkdownStream();
    expect(stream.push('1. one\n\n   more about one\n\n2. two\n\n')).toEqual([]);
    expect(stream.push('Then a paragraph.\n\n')).toEqual(['1. one\n\n   more about one\n\n2. two\n\n', 'Then a paragraph.\n\n']);
  });
});

describe('an answer on a terminal', () => {
  it('streamed in any cuts, shows what rendering the whole answer at once shows', () => {
    fc.assert(
      fc.property(document, fc.array(fc.nat(), { maxLength: 12 }), (text, points) => {
        const term = fakeOut(true);
        const renderer = new EventRenderer({ answer: term.out, info: term.out, reasoning: null, stats: false, markdown: renderMarkdown });
        for (const piece of cut(text, points)) renderer.render(delta(piece));
        renderer.render(done);
        expect(term.text()).toBe(`${renderMarkdown(text, 60)}\n`);
      }),
      { numRuns: Number(process.env.RUNS ?? 150) },
    );
  });

  it('appears block by block, a notice showing what is pending first, the rest at the end', () => {
    const term = fakeOut(true);
    const renderer = new EventRenderer({ answer: term.out, info: term.out, reasoning: null, stats: false, markdown: renderMarkdown });
    renderer.render(delta('# Plan\n\nFirst **step**'));
    expect(term.text()).toBe(renderMarkdown('# Plan', 60));
    renderer.render(delta(' done.\n\n- a'));
    expect(term.text()).toBe(`${renderMarkdown('# Plan', 60)}\n\n${renderMarkdown('First **step** done.', 60)}`);
    renderer.render({ type: 'skill_activated', task_id: 't', skill: 'ducks', source: 'workspace' } as TaskEvent);
    renderer.render(delta('\n- b'));
    renderer.render(done);
    const lines = term.text().replace(/\x1b\[[\d;]*m/g, '').split('\n');
    expect(lines).toEqual(['Plan', '', 'First step done.', '', '  * a', 'using the skill ducks', '  * b', '']);
  });

  it('into a pipe, or with NO_COLOR, is the text as the model wrote it, delta by delta', () => {
    for (const term of [fakeOut(false, {}), fakeOut(true, { NO_COLOR: '1' })]) {
      const renderer = new EventRenderer({ answer: term.out, info: term.out, reasoning: null, stats: false, markdown: renderMarkdown });
      const deltas = ['# Plan\n\nFirst **st', 'ep** done.\n', '\n```\ncode\x1b[2J\n```'];
      for (const piece of deltas) renderer.render(delta(piece));
      expect(term.chunks).toEqual(['# Plan\n\nFirst **st', 'ep** done.\n', '\n```\ncode\\x1b[2J\n```']);
      renderer.render(done);
      expect(term.text()).toBe('# Plan\n\nFirst **step** done.\n\n```\ncode\\x1b[2J\n```\n');
    }
  });
});
