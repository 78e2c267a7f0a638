/**
 * How procps-ng `ps` reads its arguments, so that no known-safe `ps` can print environments
 * (`e` in BSD syntax shows every listed process's environment, ducklm's API token included).
 *
 * procps reads the line twice: first with UNIX (`-ef`), BSD (`aux`) and GNU (`--sort`) syntax
 * side by side; if anything in that pass fails (a bad user name, an unknown format field, `-x`,
 * two heading options...), it reads the WHOLE line again as BSD, where `-ef` means BSD `e` + `f`.
 * So a line is safe only if neither reading selects `e`, or if the first reading provably cannot
 * fail. Options that take a value take the rest of their cluster, or else the next word whatever
 * it looks like (`-N` takes none).
 */

type Reading = 'first' | 'bsd';

/** UNIX options that take a value (`-o pid`, `-opid`). */
const UNIX_VALUE = 'CDGgOopqstUu';
const UNIX_FLAGS = 'AacdeFfHjLlMmNPTwyZ';
/** BSD options that take a value; a digit starts a pid list that ends the cluster. */
const BSD_VALUE = 'OUkopqt';
const BSD_FLAGS = 'HMSTXZacfghjlmnrsuvwx';
const HEADINGS = ['header', 'headers', 'heading', 'headings', 'no-header', 'no-headers', 'no-heading', 'no-headings', 'noheader', 'noheaders', 'noheading', 'noheadings'];
const GNU_VALUE = ['sort', 'format', 'pid', 'ppid', 'sid', 'quick-pid', 'user', 'User', 'group', 'Group', 'tty', 'cols', 'columns', 'width', 'rows', 'lines'];
const GNU_FLAGS = ['forest', 'cumulative', 'deselect', ...HEADINGS];

/** One option as ps reads it: a letter in some syntax, or a long name, with its value if any. */
export interface PsOption {
  syntax: 'unix' | 'bsd' | 'gnu' | 'pids';
  name: string;
  value?: string;
}

/**
 * Reads `args` as procps does in the given pass. Returns the options, or a problem for anything
 * the model does not know (which then asks rather than guesses). In the BSD pass the model goes
 * on past letters ps would reject: ps then fails and prints nothing, so reading on only finds more.
 */
export function readPsArgs(args: string[], reading: Reading): PsOption[] | { problem: string } {
  const out: PsOption[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    // ps's own rule for the next word as a value: taken whatever it is, unless empty or missing.
    const next = () => (i + 1 < args.length && args[i + 1] !== '' ? args[++i] : undefined);
    if (/^--[A-Za-z]/.test(arg)) {
      const cut = arg.slice(2).search(/[=:]/);
      const name = cut < 0 ? arg.slice(2) : arg.slice(2, cut + 2);
      if (GNU_FLAGS.includes(name) && cut < 0) out.push({ syntax: 'gnu', name });
      else if (GNU_VALUE.includes(name)) out.push({ syntax: 'gnu', name, value: cut < 0 ? next() : arg.slice(cut + 3) });
      else return { problem: `option \`${arg}\` is not allowed` };
    } else if (/^([0-9+]|-[0-9])/.test(arg)) {
      // A pid (or `-pgrp`, `+sid`) makes every remaining word a pid; anything else there is not understood.
      for (; i < args.length; i++) {
        if (reading === 'first' && !/^[-+]?[0-9]+$/.test(args[i]!)) return { problem: `\`${args[i]}\` after a process id is not a process id` };
        out.push({ syntax: 'pids', name: '', value: args[i]! });
      }
    } else if (/^-?[A-Za-z]/.test(arg)) {
      const bsd = reading === 'bsd' || !arg.startsWith('-');
      const letters = arg.startsWith('-') ? arg.slice(1) : arg;
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j]!;
        const rest = () => (j + 1 < letters.length ? letters.slice(j + 1) : next());
        if (bsd && /[0-9]/.test(letter)) {
          out.push({ syntax: 'pids', name: '', value: letters.slice(j) });
          break;
        }
        if ((bsd ? BSD_VALUE : UNIX_VALUE).includes(letter)) {
          out.push({ syntax: bsd ? 'bsd' : 'unix', name: letter, value: rest() });
          break;
        }
        if (letter === 'e' || (bsd ? BSD_FLAGS : UNIX_FLAGS).includes(letter)) out.push({ syntax: bsd ? 'bsd' : 'unix', name: letter });
        else if (reading === 'first') return { problem: `option \`${letter}\` in \`${arg}\` is not allowed` };
      }
    } else {
      return { problem: `\`${arg}\` is not an option ps reads safely` };
    }
  }
  return out;
}

/** Format fields every procps release knows; an unknown one fails the first reading. */
const FIELDS = new Set(
  ('pid ppid pgid pgrp sid sess tid lwp nlwp uid euid ruid suid gid egid rgid user euser ruser uname group egroup rgroup comm cmd args command ucmd ucomm ' +
    '%cpu pcpu %mem pmem rss rssize rsz vsz vsize sz size stat state s tty tt tname etime etimes time cputime start start_time lstart stime bsdstart ' +
    'ni nice pri priority psr wchan f flags flag cls class policy rtprio c').split(' '),
);

const PID_LIST = /^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8})*$/;
/** `pid,comm,args=COMMAND`: known fields, a header only on the last one (it may hold commas). */
const validFormat = (spec: string) => {
  const items = spec.split(',');
  return items.every((item, k) => {
    const [, field, header] = /^([%a-z_]+)(?::[0-9]+)?(=.*)?$/.exec(item) ?? [];
    return field !== undefined && FIELDS.has(field) && (header === undefined || k === items.length - 1);
  });
};
const validSort = (spec: string) => spec.split(',').every((key) => FIELDS.has(key.replace(/^[+-]/, '')));

/**
 * Whether the first reading cannot fail, so the BSD re-reading never happens: only options whose
 * values ps checks without looking anything up (no user, group or terminal names), and none of
 * the combinations ps refuses (a format with -f/-l/-j/-F, -O, thread and forest styles, -N).
 */
function cannotFail(options: PsOption[]): boolean {
  let headings = 0;
  let forests = 0;
  let formats = false;
  let layouts = false;
  for (const { syntax, name, value } of options) {
    if (syntax === 'unix' && 'AadewlfFjH'.includes(name) && value === undefined) {
      if ('lfFj'.includes(name)) layouts = true;
      if (name === 'H') forests++;
    } else if ((syntax === 'unix' && 'pqs'.includes(name)) || (syntax === 'gnu' && ['pid', 'ppid', 'sid', 'quick-pid'].includes(name))) {
      if (!PID_LIST.test(value ?? '')) return false;
    } else if ((syntax === 'unix' && name === 'o') || (syntax === 'gnu' && name === 'format')) {
      if (!validFormat(value ?? '')) return false;
      formats = true;
    } else if (syntax === 'gnu' && name === 'sort') {
      if (!validSort(value ?? '')) return false;
    } else if (syntax === 'gnu' && ['cols', 'columns', 'width', 'rows', 'lines'].includes(name)) {
      if (!/^[1-9][0-9]{0,8}$/.test(value ?? '')) return false;
    } else if (syntax === 'gnu' && HEADINGS.includes(name)) {
      headings++;
    } else if (syntax === 'gnu' && name === 'forest') {
      forests++;
    } else if (!(syntax === 'gnu' && name === 'cumulative') && !(syntax === 'pids' && PID_LIST.test(value ?? ''))) {
      return false;
    }
  }
  return headings <= 1 && forests <= 1 && !(formats && layouts);
}

/** Says why `ps args` could print environments (or is not understood), or null when it cannot. */
export function psCheck(args: string[]): string | null {
  const first = readPsArgs(args, 'first');
  if ('problem' in first) return first.problem;
  const env = 'the `e` option prints environment variables, which can hold secrets';
  // Only known fields: a field that shows environments (or one a later ps adds) asks.
  for (const { syntax, name, value } of first) {
    const format = ((syntax === 'unix' || syntax === 'bsd') && (name === 'o' || name === 'O')) || (syntax === 'gnu' && name === 'format');
    const sort = (syntax === 'bsd' && name === 'k') || (syntax === 'gnu' && name === 'sort');
    if ((format && !validFormat(value ?? '')) || (sort && !validSort(value ?? ''))) return `\`${value ?? ''}\` is not a format ducklm knows to be harmless`;
    // An option's value that looks like an option (`U -o`) hides what ps would do if it fails.
    if (value !== undefined && !sort && syntax !== 'pids' && (value === '' || value.startsWith('-'))) return `\`${value}\` is taken as the value of \`${name}\``;
    const pids = (syntax === 'unix' && 'pqs'.includes(name)) || (syntax === 'bsd' && 'pq'.includes(name)) || (syntax === 'gnu' && ['pid', 'ppid', 'sid', 'quick-pid'].includes(name));
    if (pids && !PID_LIST.test(value ?? '')) return `\`${value ?? ''}\` is not a list of process ids`;
    if (syntax === 'pids' && !/^[-+]?[0-9]+(,[0-9]+)*$/.test(value ?? '')) return `\`${value ?? ''}\` is not a list of process ids`;
  }
  if (first.some((o) => o.syntax === 'bsd' && o.name === 'e')) return env;
  const bsd = readPsArgs(args, 'bsd');
  if ('problem' in bsd) return bsd.problem;
  if (bsd.some((o) => o.syntax === 'bsd' && o.name === 'e') && !cannotFail(first)) {
    return `${env}: ps reads the whole line again in BSD syntax when any option fails, and there \`e\` would appear`;
  }
  return null;
}
