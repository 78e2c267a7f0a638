import { describe, expect, it } from 'vitest';
import { splitThinkTags, ThinkTagSplitter, type SplitPiece } from '../../src/model/think-tag-splitter.js';

/** Feeds the deltas one by one and joins what comes out, as the client does with a stream. */
function run(deltas: string[], options?: { startInside?: boolean }) {
  const splitter = new ThinkTagSplitter(options);
  const pieces: SplitPiece[] = deltas.map((d) => splitter.push(d));
  pieces.push(splitter.end());
  return {
    reasoning: pieces.map((p) => p.reasoning).join(''),
    content: pieces.map((p) => p.content).join(''),
    pieces,
    orphanClose: splitter.orphanClose,
  };
}

const chars = (text: string) => Array.from(text);
const REPLY = '<think>\nThe user greets me. Ducks quack.\n</think>\n\nHello! 🦆 Quack.';

describe('ThinkTagSplitter', () => {
  it('takes a think block out of the content', () => {
    expect(run([REPLY])).toMatchObject({ reasoning: 'The user greets me. Ducks quack.', content: 'Hello! 🦆 Quack.' });
  });

  it('gives the same split wherever the deltas are cut, tags included', () => {
    const expected = { reasoning: 'The user greets me. Ducks quack.', content: 'Hello! 🦆 Quack.' };
    expect(run(chars(REPLY))).toMatchObject(expected);
    for (let cut = 1; cut < REPLY.length; cut++) {
      expect(run([REPLY.slice(0, cut), REPLY.slice(cut)]), `cut at ${cut}`).toMatchObject(expected);
    }
  });

  it('never lets a piece of a tag through', () => {
    const { pieces } = run(chars(REPLY));
    for (const piece of pieces) {
      expect(piece.content).not.toMatch(/<|think>/);
      expect(piece.reasoning).not.toMatch(/<\/?t?h?i?n?k?>?$/);
    }
  });

  it('streams plain content straight through, holding back only what could start a tag', () => {
    const splitter = new ThinkTagSplitter();
    expect(splitter.push('Plain ')).toEqual({ reasoning: '', content: 'Plain ' });
    expect(splitter.push('answer, a <')).toEqual({ reasoning: '', content: 'answer, a ' });
    expect(splitter.push(' b.')).toEqual({ reasoning: '', content: '< b.' });
    expect(splitter.end()).toEqual({ reasoning: '', content: '' });
  });

  it('keeps leading whitespace and markup that is not a think tag', () => {
    expect(run(chars('\n<b>bold</b> text'))).toMatchObject({ reasoning: '', content: '\n<b>bold</b> text' });
    expect(run(['<thin', 'king cap>'])).toMatchObject({ reasoning: '', content: '<thinking cap>' });
  });

  it('keeps a reasoning cut short (no closing tag) as reasoning', () => {
    expect(run(chars('<think>Still thinking when max_tokens ran out'))).toMatchObject({ reasoning: 'Still thinking when max_tokens ran out', content: '' });
  });

  it('starts inside a block the template opened', () => {
    const reply = 'Template opened this.\n</think>\n\nThe answer.';
    expect(run(chars(reply), { startInside: true })).toMatchObject({ reasoning: 'Template opened this.', content: 'The answer.' });
    // The model may still write the opening tag itself.
    expect(run(['<think>', 'x</think>y'], { startInside: true })).toMatchObject({ reasoning: 'x', content: 'y' });
  });

  it('gives an implicit block that never closes back as the answer', () => {
    const { pieces, content } = run(chars('No thinking happened here.'), { startInside: true });
    expect(content).toBe('No thinking happened here.');
    // It was shown as reasoning while it streamed; the final piece carries it all as content.
    expect(pieces.at(-1)).toEqual({ reasoning: '', content: 'No thinking happened here.' });
  });

  it('notices a closing tag without an opening one, so the client can learn the template', () => {
    const result = run(chars('thinking aloud</think>\n\nAnswer.'));
    expect(result.orphanClose).toBe(true);
    expect(result.content.endsWith('Answer.')).toBe(true);
    expect(result.content).not.toContain('</think>');
  });

  it('passes a text after a finished block through, even with tags in it', () => {
    expect(run(['<think>a</think>b </think> c'])).toMatchObject({ reasoning: 'a', content: 'b </think> c' });
  });
});

describe('splitThinkTags (a whole reply)', () => {
  it.each([
    ['<think>\nr\n</think>\n\nanswer', 'r', 'answer', false],
    ['r the template opened\n</think>\nanswer', 'r the template opened', 'answer', true],
    ['<think>cut short', 'cut short', '', false],
    ['no tags at all', null, 'no tags at all', false],
    ['', null, '', false],
  ])('%j', (text, reasoning, content, templateOpened) => {
    expect(splitThinkTags(text)).toEqual({ reasoning, content, templateOpened });
  });
});
