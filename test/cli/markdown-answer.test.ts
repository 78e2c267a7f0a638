/**
 * Answers in a real terminal (tmux) are rendered markdown, wrapped at word boundaries to the
 * terminal's width; piped, `ducklm ask` still prints the markdown exactly as the model wrote it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, runCli } from '../support/cli-process.js';
import { startInTmux } from '../support/tmux.js';
import { commandScript, startCliStack, type CliStack } from './cli-stack.js';

beforeAll(assertBuilt);

const WIDTH = 60;
const PARAGRAPH =
  'The duck paddled slowly across the pond at dawn, stopping now and then to look for breadcrumbs that the children had thrown from the old wooden bridge the evening before.';
const CODE = 'echo "quack quack quack quack quack quack quack quack quack quack"';
const ANSWER = ['# Pond guide', '', 'Ducks are **excellent swimmers** and love `bread`.', '', '- Mallard', '- **Teal**', '', '```sh', CODE, '```', '', PARAGRAPH].join('\n');

/** The lines of the long paragraph as the screen shows them: from its first words to the figures that follow the answer. */
function paragraphLines(screen: string): string[] {
  const lines = screen.slice(screen.lastIndexOf('The duck paddled')).split('\n');
  return lines.slice(0, lines.findIndex((line) => /tok\/s|^conversation |^$/.test(line)));
}

function expectRendered(screen: string): void {
  expect(screen).toMatch(/^Pond guide$/m);
  expect(screen).not.toMatch(/^#/m);
  expect(screen).not.toContain('**');
  expect(screen).toContain('Ducks are excellent swimmers and love bread.');
  expect(screen).toMatch(/^ {2}\* Mallard\n {2}\* Teal$/m);
  // The code line is longer than the terminal: it is left to the terminal's own wrap, not broken into lines (-J joins that wrap).
  expect(screen).toContain(`\n  ${CODE}\n`);
  const lines = paragraphLines(screen);
  expect(lines.length).toBeGreaterThan(2);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(WIDTH);
  expect(lines.join(' ')).toBe(PARAGRAPH);
}

const askInTmux = (stack: CliStack, command: string) =>
  startInTmux(['/bin/sh', '-c', command, 'sh', process.execPath, BIN, stack.url], {
    env: { ...stack.clientEnv, PATH: process.env.PATH!, TERM: 'xterm-256color', LANG: 'C.UTF-8' },
    cwd: stack.workspace,
    width: WIDTH,
  });

describe('answers in the terminal', () => {
  it('`ducklm chat` shows the answer as rendered markdown, wrapped at word boundaries to the width', async () => {
    const stack = await startCliStack(commandScript(null, { content: ANSWER, pieceSize: 7 }));
    const term = await stack.chat([], { width: WIDTH });
    await term.waitFor(/^› $/m);
    await term.typeLine('tell me about ducks');
    const screen = await term.waitFor(/tok\/s/, { timeout: 20_000 });
    expectRendered(screen);
    // Styled with SGR: the bold words are bold.
    expect(await term.screen({ escapes: true })).toMatch(/\x1b\[1mexcellent swimmers/);
  });

  it('`ducklm ask` on a terminal renders too; piped into another program it prints the markdown as written', async () => {
    const stack = await startCliStack(commandScript(null, { content: ANSWER }));
    const shown = await askInTmux(stack, '"$1" "$2" ask --url "$3" "tell me about ducks"');
    expect(await shown.waitForExit({ timeout: 20_000 })).toBe(0);
    expectRendered(await shown.screen());

    // stdout a pipe, stderr still the terminal: the answer is the model's markdown, byte for byte.
    const piped = await askInTmux(stack, '"$1" "$2" ask --url "$3" "tell me about ducks" | tee answer.md');
    expect(await piped.waitForExit({ timeout: 20_000 })).toBe(0);
    expect(readFileSync(join(stack.workspace, 'answer.md'), 'utf8')).toBe(`${ANSWER}\n`);
    const screen = await piped.screen();
    expect(screen).toContain('# Pond guide');
    expect(screen).toContain('**excellent swimmers**');
    // The rest of what ask says is still for the person at the terminal.
    expect(screen).toMatch(/^conversation conv_\w+ /m);
    // And with no terminal at all.
    const r = await runCli(['ask', '--url', stack.url, 'tell me about ducks'], stack.clientEnv, { cwd: stack.workspace });
    expect(r).toMatchObject({ code: 0, stdout: `${ANSWER}\n` });
  });
});
