/**
 * An answer's markdown as the terminal shows it: styled, wrapped at word boundaries to the width,
 * code kept as written, and nothing the model wrote able to act on the terminal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inert } from '../../src/cli/inert.js';
import { renderMarkdown } from '../../src/cli/markdown-terminal.js';

const SGR = /\x1b\[[\d;]*m/g;
const visible = (text: string) => text.replace(SGR, '');
/** What a terminal would act on, once the SGR styling is taken out. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Every ESC starts an SGR sequence, and no other control character is left. */
export function assertOnlyStyling(printed: string): void {
  const foreign = printed.replace(SGR, '');
  const match = ACTIVE.exec(foreign);
  expect(match, `a raw control character ${JSON.stringify(match?.[0])} in ${JSON.stringify(printed)}`).toBeNull();
}

const render = (markdown: string, width = 80) => renderMarkdown(inert(markdown, { multiline: true }), width);

const ANSWER = [
  '# Ducks',
  '',
  'Ducks are **water birds** with *flat* bills and `webbed feet`.',
  '',
  '## Kinds',
  '',
  '- Mallard',
  '- **Teal**, small and quick',
  '',
  '1. first',
  '2. second',
  '',
  '> A quack does echo.',
  '',
  '```js',
  'const duck = { name: "Donald", says: "quack", swims: true, flies: true, waddles: true };',
  '```',
  '',
  'See [the pond](https://example.org/pond) or <https://example.org>.',
  '',
  '| Kind | Weight |',
  '| --- | --- |',
  '| Mallard | 1.2 kg |',
].join('\n');

describe('markdown on a terminal', () => {
  it('shows headings, emphasis, lists, quotes, code, links and tables without their markup', () => {
    const out = render(ANSWER);
    const shown = visible(out);
    expect(shown).not.toContain('**');
    expect(shown).not.toMatch(/^#/m);
    expect(shown).toMatch(/^Ducks$/m);
    expect(out).toContain('\x1b[1mwater birds\x1b[22m');
    expect(out).toContain('\x1b[3mflat\x1b[23m');
    expect(shown).toContain('Ducks are water birds with flat bills and webbed feet.');
    expect(shown).toMatch(/^ {2}\* Mallard$/m);
    // Bold inside a tight list item (marked-terminal leaves it as typed unless fixed).
    expect(shown).toMatch(/^ {2}\* Teal, small and quick$/m);
    expect(shown).toMatch(/^ {2}1\. first\n {2}2\. second$/m);
    expect(shown).toMatch(/^ {2}A quack does echo\.$/m);
    expect(shown).toContain('const duck = { name: "Donald", says: "quack", swims: true, flies: true, waddles: true };');
    expect(shown).toContain('the pond (https://example.org/pond) or https://example.org.');
    expect(shown).toMatch(/│ Mallard │ 1\.2 kg │/);
    // No OSC 8 hyperlink, whatever the terminal.
    expect(out).not.toContain('\x1b]');
    assertOnlyStyling(out);
  });

  it('numbers a list from where it starts, and only its own items: nested bullets stay bullets', () => {
    const shown = visible(render('1. one\n   - reed\n   - lily\n2. two\n\nBetween.\n\n3. three\n4. four\n\n- [ ] to do\n- [x] done'));
    expect(shown.split('\n')).toEqual(['  1. one', '    * reed', '    * lily', '  2. two', '', 'Between.', '', '  3. three', '  4. four', '', '  * [ ]  to do', '  * [X]  done']);
  });

  it('ends with its last line, whatever the last block is', () => {
    for (const markdown of ['para', '```\ncode\n```', '| a |\n| - |\n| b |', '- item', '> quote', '---']) expect(render(markdown)).not.toMatch(/\n$/);
  });

  it('wraps prose at word boundaries, never past the width, and keeps code lines as written', () => {
    const word = fc.stringMatching(/^[a-z]{1,12}$/);
    const words = fc.array(word, { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(words, words, fc.integer({ min: 24, max: 120 }), (paragraph, item, width) => {
        const code = `let x = "${paragraph.join(' ')}";`;
        const out = visible(render(`${paragraph.join(' ')}\n\n- ${item.join(' ')}\n- two\n\n> ${item.join(' ')}\n\n\`\`\`\n${code}\n\`\`\``, width));
        const [para, list, quote, block] = out.split('\n\n');
        for (const part of [para!, list!, quote!]) for (const line of part.split('\n')) expect(line.length).toBeLessThanOrEqual(width);
        // Whole words, in order: only the spaces between them became line breaks.
        expect(para!.split(/\s+/)).toEqual(paragraph);
        expect(list!.replace(/^ {2}\* /gm, '').trim().split(/\s+/)).toEqual([...item, 'two']);
        // A list item's continuation lines sit under its text, not under the bullet.
        for (const line of list!.split('\n')) expect(line).toMatch(/^ {2}(?:\* | {2})\S/);
        expect(block).toBe(`  ${code}`);
      }),
    );
  });

  it('breaks a word longer than the line rather than letting it run past the edge', () => {
    const out = visible(render(`a ${'x'.repeat(70)} b`, 30));
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(30);
  });
});

describe('markdown from the model stays inert', () => {
  const HOSTILE = ['\x1b[2J', '\x1b]52;c;ZWNobyBoaQ==\x07', '\r', '\u202e', '\x9b2J', '\x1b[31m'];
  const contexts = (bad: string) => [
    `a paragraph ${bad} here`,
    `# heading ${bad}`,
    `- item ${bad}\n- **bold ${bad}**`,
    `> quoted ${bad}`,
    `\`\`\`sh\necho ${bad}\n\`\`\``,
    `inline \`code ${bad}\``,
    `[link ${bad}](https://example.org/${bad}) and <https://example.org/${bad}>`,
    `| head ${bad} | b |\n| --- | --- |\n| cell ${bad} | c |`,
  ];

  it('shows each control character as its escape, in every kind of block, and puts out only styling', () => {
    for (const bad of HOSTILE) {
      for (const markdown of contexts(bad)) {
        const out = render(markdown);
        assertOnlyStyling(out);
        expect(visible(out), markdown).toContain(inert(bad));
      }
    }
  });

  it('a character reference cannot name an escape either: &#27; stays as written', () => {
    for (const markdown of ['&#27;[2J and &#x1B;]52;c;eA==&#7;', '&#x9b;2J &#155;', 'a &#x202e; b', '**&#27;[31m**']) {
      const out = render(markdown);
      assertOnlyStyling(out);
      expect(visible(out)).toContain('&#');
    }
    // Harmless references are left to marked: an ampersand, a letter.
    expect(visible(render('fish &#38; chips &#65;'))).toBe('fish & chips A');
  });

  it('any mix of hostile pieces and markdown puts out nothing a terminal would obey', () => {
    const piece = fc.oneof(
      fc.constantFrom('\x1b[2J', '\x1b]52;c;eA==\x07', '\x1b]8;;http://x\x07', '\r', '\u202e', '\u2066', '\x9b', '\x07', '\x00', '\n', '\n\n', '\t', '&#27;', '&#x9d;', '&amp;'),
      fc.constantFrom('# ', '**', '*', '`', '```\n', '- ', '1. ', '> ', '[', '](', ')', '<http://', '>', '| a | b |\n| - | - |\n| ', ' | ', '\\', '---\n', '~~'),
      fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.integer({ min: 10, max: 100 }), (pieces, width) => {
        assertOnlyStyling(render(pieces.join(''), width));
      }),
      { numRuns: 300 },
    );
  });
});
