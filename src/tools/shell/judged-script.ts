import type { CommandSpec } from './command-runner.js';
import { parseShell, type SimpleCommand } from './parse-shell.js';

/**
 * A command line reduced to what was judged: plain argvs, the operators joining them and
 * redirections that only discard or merge output. What runs is rebuilt from this alone, never
 * from the text the planner wrote, so a word the parser put somewhere unexpected cannot run
 * unjudged: it is either in an argv here (and was judged) or it does not run.
 */
export interface JudgedCommand {
  /** The operator joining it to the command before; undefined for the first. */
  after?: Joiner;
  argv: string[];
  redirects: JudgedRedirect[];
}

export interface JudgedRedirect {
  fd?: string;
  op: string;
  /** `/dev/null` or a descriptor number. */
  target: string;
}

type Joiner = ';' | '&&' | '||' | '|';
const JOINERS = new Set<string>([';', '&&', '||', '|']);
/** Redirections that write no file and read none, with the only targets they may have. */
const REDIRECT_OPS = new Set(['>', '>>', '&>', '&>>', '>|', '>&', '<&']);
const HARMLESS_TARGET = /^(\/dev\/null|\d)$/;
/** Characters bash never treats specially anywhere in a word (no `~`, `=`, `{`, `#`, globs...). */
const BARE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

/** The judged form of parsed commands, or undefined when any part is more than a plain argv. */
export function judgedCommands(commands: SimpleCommand[]): JudgedCommand[] | undefined {
  const judged: JudgedCommand[] = [];
  for (const [index, c] of commands.entries()) {
    if (c.nested || !c.literal || c.assignments.length > 0 || c.words.length === 0) return undefined;
    if (index === 0 ? c.after !== undefined : c.after === undefined || !JOINERS.has(c.after)) return undefined;
    const redirects: JudgedRedirect[] = [];
    for (const { op, fd, target } of c.redirects) {
      if (!REDIRECT_OPS.has(op) || target === undefined || !HARMLESS_TARGET.test(target)) return undefined;
      if (fd !== undefined && !/^\d$/.test(fd)) return undefined;
      redirects.push({ op, target, ...(fd !== undefined ? { fd } : {}) });
    }
    judged.push({ ...(index > 0 ? { after: c.after as Joiner } : {}), argv: [...c.words], redirects });
  }
  return judged.length > 0 ? judged : undefined;
}

/** A word bash reads back as exactly `word`. */
export function quoteWord(word: string): string {
  return BARE_WORD.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function renderScript(judged: JudgedCommand[], mapArgv: (argv: string[]) => string[] = (a) => a): string {
  return judged
    .map(({ after, argv, redirects }) => {
      const words = [...mapArgv(argv).map(quoteWord), ...redirects.map((r) => `${r.fd ?? ''}${r.op}${r.target}`)].join(' ');
      return after === undefined ? words : `${after === ';' ? ';' : ` ${after}`} ${words}`;
    })
    .join('');
}

/** How to run judged commands: one argv without a shell, or a script rebuilt from the judged words. */
export function judgedSpec(judged: JudgedCommand[], mapArgv: (argv: string[]) => string[] = (a) => a): CommandSpec {
  const [only] = judged;
  if (judged.length === 1 && only && only.redirects.length === 0) return { kind: 'argv', argv: mapArgv(only.argv) };
  return { kind: 'shell', script: renderScript(judged, mapArgv) };
}

/** Whether bash reads the rebuilt script back as exactly the judged commands (a check on the quoting above). */
export function readsBackAs(script: string, judged: JudgedCommand[]): boolean {
  const parsed = parseShell(script);
  if ('error' in parsed || parsed.features.length > 0) return false;
  const again = judgedCommands(parsed.commands);
  return again !== undefined && JSON.stringify(again) === JSON.stringify(judged);
}
