import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/tools/shell/classify-command.js';
import type { CommandSpec } from '../../src/tools/shell/command-runner.js';
import { renderScript } from '../../src/tools/shell/judged-script.js';
import { parseShell } from '../../src/tools/shell/parse-shell.js';
import { SpawnCommandRunner } from '../../src/tools/shell/spawn-command-runner.js';
import { shellExecSafe } from '../../src/tools/shell-exec-safe.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Class 1 of issue 12: whatever the parser attaches where, the argvs that run unasked are exactly
 * the argvs that were judged. Command lines are generated from allowlisted commands, options,
 * quoting styles and redirections in any position; what each line means is known by
 * construction, and for some of them bash itself is asked.
 */

let ws: string;
let outside: string;
let ctx: ToolContext;

beforeEach(() => {
  const root = realpathSync(tempDir());
  ws = join(root, 'ws');
  outside = join(root, 'outside');
  mkdirSync(join(ws, 'src'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(ws, 'note.txt'), 'note\n');
  writeFileSync(join(ws, 'README.md'), '# readme\n');
  writeFileSync(join(ws, 'src', 'main.ts'), 'export {};\n');
  writeFileSync(join(outside, 'secret.txt'), 'secret\n');
  ctx = { workspace: ws, signal: new AbortController().signal, runner: new SpawnCommandRunner({ killGraceMs: 300 }), plannerRisk: 'low', limits: { commandTimeoutMs: 20_000, maxOutputBytes: 64 * 1024 } };
});

async function approveThenRun(command: string) {
  const decision = await shellExecSafe.approval({ command }, ctx);
  const result = decision.kind === 'allow' ? await shellExecSafe.execute({ command }, ctx) : undefined;
  return { decision, result };
}

describe('issue 12, class 1: the examples', () => {
  it('`find . -maxdepth 0 2>/dev/null -exec touch CANARY {} +` asks and creates nothing', async () => {
    const command = 'find . -maxdepth 0 2>/dev/null -exec touch CANARY {} +';
    expect(classifyCommand(command).commands).toEqual([['find', '.', '-maxdepth', '0', '-exec', 'touch', 'CANARY', '{}', '+']]);
    const { decision, result } = await approveThenRun(command);
    expect(decision.kind).toBe('ask');
    expect(result).toBeUndefined();
    expect(existsSync(join(ws, 'CANARY'))).toBe(false);
  });

  it('`find src >/dev/null -delete` asks and deletes nothing', async () => {
    const command = 'find src >/dev/null -delete';
    expect(classifyCommand(command)).toMatchObject({ knownSafe: false, commands: [['find', 'src', '-delete']] });
    const { decision, result } = await approveThenRun(command);
    expect(decision.kind).toBe('ask');
    expect(result).toBeUndefined();
    expect(existsSync(join(ws, 'src', 'main.ts'))).toBe(true);
  });

  it('`cat note.txt 2>/dev/null /outside/secret.txt` judges the outside file and asks', async () => {
    const command = `cat note.txt 2>/dev/null ${outside}/secret.txt`;
    expect(classifyCommand(command).commands).toEqual([['cat', 'note.txt', `${outside}/secret.txt`]]);
    const { decision, result } = await approveThenRun(command);
    expect(decision).toMatchObject({ kind: 'ask', riskLevel: 'medium' });
    expect(decision.kind === 'ask' && decision.reason).toMatch(/outside the workspace/);
    expect(result).toBeUndefined();
  });

  it('runs a known-safe line with a redirection from the judged words, not from the text as written', async () => {
    const runner = new FakeCommandRunner();
    await shellExecSafe.execute({ command: `cat   "note.txt"  2>/dev/null   'README.md'` }, { ...ctx, runner });
    expect(runner.calls.map((c) => c.spec)).toEqual([{ kind: 'shell', script: 'cat note.txt README.md 2>/dev/null' }]);
  });

  it('still runs such a line for real and shows its output', async () => {
    const { decision, result } = await approveThenRun('cat note.txt 2>/dev/null README.md | wc -l');
    expect(decision.kind).toBe('allow');
    expect(result).toMatchObject({ ok: true, output: 'exit_code: 0\n2' });
  });

  it('hardens every git command of a known-safe pipeline, not only a lone one', async () => {
    const runner = new FakeCommandRunner();
    await shellExecSafe.execute({ command: 'git log --oneline 2>&1 | head -n 3' }, { ...ctx, runner });
    const ran = runner.calls.at(-1)!.spec;
    expect(ran).toEqual({ kind: 'shell', script: 'git log --no-ext-diff --no-textconv --oneline 2>&1 | head -n 3' });
  });
});

// ---- generated command lines -------------------------------------------------------------

interface Token {
  /** As written on the line. */
  text: string;
  /** A word's value, or a redirection. */
  word?: string;
  redirect?: { fd?: string; op: string; target: string };
}
interface Line {
  text: string;
  argvs: string[][];
  redirects: Array<Array<{ fd?: string; op: string; target: string }>>;
}

const NAMES = ['ls', 'cat', 'wc', 'head', 'find', 'stat', 'du', 'file', 'echo', 'uname', 'id'];
const PLAIN_WORDS = ['README.md', 'note.txt', 'src', 'src/main.ts', '.', '-l', '-a', '-la', '-n', '3', '--', '-', '-name', '-type', 'f', '-maxdepth', '0', 'x y', "it's", 'a"b', 'dollar$sign'];
const DANGER_WORDS = ['-exec', '-execdir', '-ok', '-delete', '-fprint', 'touch', 'CANARY', '{}', '+', ';', '/outside/secret.txt', '../x'];
/**
 * find's actions. Only in a find argv do they act: `ls -fprint` is `ls -f -p -r -i -n -t`,
 * `du -delete` is `du -d elete` and `ls -- -delete` lists a file, all harmless.
 */
const FIND_DENIED = new Set(['-exec', '-execdir', '-ok', '-delete', '-fprint']);
const REDIRECTS: Token[] = [
  { text: '2>/dev/null', redirect: { fd: '2', op: '>', target: '/dev/null' } },
  { text: '2> /dev/null', redirect: { fd: '2', op: '>', target: '/dev/null' } },
  { text: '>/dev/null', redirect: { op: '>', target: '/dev/null' } },
  { text: '>> /dev/null', redirect: { op: '>>', target: '/dev/null' } },
  { text: '&>/dev/null', redirect: { op: '&>', target: '/dev/null' } },
  { text: '2>&1', redirect: { fd: '2', op: '>&', target: '1' } },
  { text: '1>&2', redirect: { fd: '1', op: '>&', target: '2' } },
  { text: '<README.md', redirect: { op: '<', target: 'README.md' } },
];
const BARE = /^[A-Za-z0-9_./+{}-]+$/;

type Style = 'bare' | 'single' | 'double' | 'mixed';
function quote(word: string, style: Style): string {
  if (style === 'bare' && BARE.test(word)) return word;
  if (style === 'mixed' && word.length > 1) {
    const cut = Math.ceil(word.length / 2);
    return `${quote(word.slice(0, cut), 'single')}${quote(word.slice(cut), 'double')}`;
  }
  if (style === 'single' && !word.includes("'")) return `'${word}'`;
  return `"${word.replaceAll(/[\\"$`]/g, '\\$&')}"`;
}

const styleArb = fc.constantFrom<Style>('bare', 'single', 'double', 'mixed');
const wordArb = (pool: string[]) => fc.tuple(fc.constantFrom(...pool), styleArb).map(([w, s]): Token => ({ text: quote(w, s), word: w }));

function commandArb(names: string[], pool: string[]) {
  return fc
    .record({
      name: wordArb(names),
      args: fc.array(wordArb(pool), { maxLength: 6 }),
      redirects: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...REDIRECTS)), { maxLength: 3 }),
    })
    .map(({ name, args, redirects }) => {
      const tokens = [name, ...args];
      for (const [at, redirect] of redirects) tokens.splice(at % (tokens.length + 1), 0, redirect);
      return tokens;
    });
}

function lineArb(operators: string[], names = NAMES, pool = [...PLAIN_WORDS, ...DANGER_WORDS]): fc.Arbitrary<Line> {
  return fc.tuple(fc.array(commandArb(names, pool), { minLength: 1, maxLength: 3 }), fc.array(fc.constantFrom(...operators), { minLength: 2, maxLength: 2 })).map(([commands, ops]) => ({
    text: commands.map((tokens, i) => `${i > 0 ? ops[i - 1] : ''}${tokens.map((t) => t.text).join(' ')}`).join(''),
    argvs: commands.map((tokens) => tokens.flatMap((t) => (t.word !== undefined ? [t.word] : []))),
    redirects: commands.map((tokens) => tokens.flatMap((t) => (t.redirect ? [t.redirect] : []))),
  }));
}

/** What the spec would hand to bash (or exec), read back as argvs and redirections. */
function readBack(spec: CommandSpec): { argvs: string[][]; redirects: Line['redirects'] } {
  if (spec.kind === 'argv') return { argvs: [spec.argv], redirects: [[]] };
  const parsed = parseShell(spec.script);
  if ('error' in parsed) throw new Error(parsed.error);
  expect(parsed.features).toEqual([]);
  return { argvs: parsed.commands.map((c) => c.words), redirects: parsed.commands.map((c) => c.redirects.map(({ fd, op, target }) => ({ ...(fd ? { fd } : {}), op, target: target! }))) };
}

describe('issue 12, class 1: generated lines — what runs is what was judged', () => {
  it('judges every word bash will pass, wherever the redirections stand, or asks', () => {
    let agreed = 0;
    fc.assert(
      fc.property(lineArb([' | ', ' && ', ' || ', '; ']), (line) => {
        const c = classifyCommand(line.text);
        // tree-sitter-bash misreads a few lines (`ls - 2>/dev/null` loses the `-`): those must ask.
        if (JSON.stringify(c.commands) !== JSON.stringify(line.argvs)) expect(c.knownSafe, line.text).toBe(false);
        else agreed++;
      }),
      { numRuns: 600 },
    );
    expect(agreed).toBeGreaterThan(500);
  });

  it('asks for a line the parser misreads (`ls - 2>/dev/null` loses a word)', () => {
    expect(classifyCommand('ls - 2>/dev/null | ls')).toMatchObject({ knownSafe: false, reason: expect.stringMatching(/could not place/) });
  });

  it('runs a known-safe line from exactly the judged argvs and redirections', () => {
    let safe = 0;
    fc.assert(
      fc.property(lineArb([' | ', ' && ', ' || ', '; ']), (line) => {
        const c = classifyCommand(line.text);
        if (!c.knownSafe) return;
        safe++;
        expect(c.judged?.map((j) => j.argv)).toEqual(line.argvs);
        expect(c.judged?.map((j) => j.redirects)).toEqual(line.redirects);
        expect(readBack(c.spec)).toEqual({ argvs: line.argvs, redirects: line.redirects });
        if (c.spec.kind === 'shell') expect(c.spec.script).toBe(renderScript(c.judged!));
      }),
      { numRuns: 600 },
    );
    // The property means something only if many generated lines were judged safe.
    expect(safe).toBeGreaterThan(30);
  });

  it('hands the runner exactly the judged argvs when a known-safe line is executed', async () => {
    await fc.assert(
      fc.asyncProperty(lineArb([' | ', ' && ', ' || ', '; ']), async (line) => {
        if (!classifyCommand(line.text).knownSafe) return;
        const runner = new FakeCommandRunner();
        await shellExecSafe.execute({ command: line.text }, { ...ctx, runner });
        expect(runner.calls).toHaveLength(1);
        expect(readBack(runner.calls[0]!.spec)).toEqual({ argvs: line.argvs, redirects: line.redirects });
      }),
      { numRuns: 300 },
    );
  });

  it('never calls a line known-safe when a find action is in it, wherever the redirections stand', () => {
    let seen = 0;
    fc.assert(
      fc.property(lineArb([' | ', ' && ', ' || ', '; '], ['find', 'find', 'find', 'ls', 'cat']), (line) => {
        if (!line.argvs.some((argv) => argv[0] === 'find' && argv.some((w) => FIND_DENIED.has(w)))) return;
        seen++;
        expect(classifyCommand(line.text).knownSafe).toBe(false);
      }),
      { numRuns: 600 },
    );
    expect(seen).toBeGreaterThan(100);
  });

  it('asks whenever a command that reads its operands names an outside path anywhere', async () => {
    const readers = ['cat', 'wc', 'ls', 'stat', 'du', 'file', 'head'];
    const paths = [`${outside}/secret.txt`, '../outside/secret.txt', outside];
    const pool = ['README.md', 'note.txt', 'src', '-a', '-l', 'x y', ...paths];
    const arb = lineArb([' | ', ' && ', '; '], readers, pool).filter((line) => line.argvs.some((argv) => argv.slice(1).some((w) => paths.includes(w))));
    await fc.assert(
      fc.asyncProperty(arb, async (line) => {
        const decision = await shellExecSafe.approval({ command: line.text }, ctx);
        expect(decision.kind, line.text).toBe('ask');
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * bash itself, asked what argvs a line builds: every command is a shell function that writes its
 * argv to descriptor 3, which no generated redirection touches.
 */
function bashArgvs(line: string): string[][] {
  const shims = NAMES.map((n) => `${n}() { printf '%s\\037' ${n} "$@" >&3; printf '\\036' >&3; }`).join('\n');
  const run = spawnSync('bash', ['--norc', '--noprofile', '-c', `${shims}\n${line}`], { cwd: ws, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const out = run.output[3]?.toString('utf8') ?? '';
  return out
    .split('\x1e')
    .filter((r) => r !== '')
    .map((r) => r.split('\x1f').slice(0, -1));
}

describe('issue 12, class 1: bash agrees', () => {
  it(
    'bash builds from the line exactly the argvs the classifier judged, and from the spec exactly the judged ones',
    () => {
      fc.assert(
        fc.property(lineArb([' && ', '; ']), (line) => {
          const c = classifyCommand(line.text);
          const bash = bashArgvs(line.text);
          expect(bash).toEqual(line.argvs);
          if (JSON.stringify(bash) !== JSON.stringify(c.commands)) expect(c.knownSafe, line.text).toBe(false);
          if (c.knownSafe) {
            const script = c.spec.kind === 'argv' ? c.spec.argv.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ') : c.spec.script;
            expect(bashArgvs(script)).toEqual(c.judged!.map((j) => j.argv));
          }
        }),
        { numRuns: 80 },
      );
    },
    120_000,
  );
});
