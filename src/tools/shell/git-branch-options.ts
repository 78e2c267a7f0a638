/**
 * `git branch` lists, creates, renames and deletes, depending on how git's parse-options reads
 * the line: `--format -l NAME` is a format of "-l" and then a branch NAME to create. So the line is
 * read the way parse-options reads it (values taken from the next word whatever it looks like,
 * options anywhere among the operands, `--` and `--end-of-options`), and it runs unasked only as a
 * listing: every option one of the listing options below spelled in full (git also takes
 * abbreviations and `--no-` forms, which ask), and operands only as patterns after `-l`/`--list`.
 */

/** flag: no value. required: `=v` or the next word. lastarg: like required, but may end the line. optional: only `=v`. */
type Kind = 'flag' | 'required' | 'lastarg' | 'optional';

const LISTING_LONG: Record<string, Kind> = {
  all: 'flag',
  remotes: 'flag',
  list: 'flag',
  verbose: 'flag',
  quiet: 'flag',
  'show-current': 'flag',
  'ignore-case': 'flag',
  'omit-empty': 'flag',
  'no-color': 'flag',
  'no-column': 'flag',
  'no-abbrev': 'flag',
  contains: 'lastarg',
  'no-contains': 'lastarg',
  merged: 'lastarg',
  'no-merged': 'lastarg',
  sort: 'required',
  format: 'required',
  'points-at': 'required',
  color: 'optional',
  column: 'optional',
  abbrev: 'optional',
};
const LISTING_SHORT = 'alrvqi';

export function gitBranchCheck(args: string[]): string | null {
  let listing = false;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--' || arg === '--end-of-options') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const kind = Object.hasOwn(LISTING_LONG, name) ? LISTING_LONG[name] : undefined;
      if (kind === undefined) return `option \`${arg}\` is not a listing option of \`git branch\` (spelled in full)`;
      if (kind === 'flag' && eq >= 0) return `option \`--${name}\` takes no value`;
      // parse-options takes the next word as the value even when it looks like an option.
      if (eq < 0 && (kind === 'required' || (kind === 'lastarg' && i + 1 < args.length))) {
        if (++i >= args.length) return `option \`--${name}\` needs a value`;
      }
      if (name === 'list') listing = true;
    } else if (arg.startsWith('-') && arg !== '-') {
      for (const letter of arg.slice(1)) {
        if (!LISTING_SHORT.includes(letter)) return `option \`-${letter}\` is not a listing option of \`git branch\``;
        if (letter === 'l') listing = true;
      }
    } else {
      operands.push(arg);
    }
  }
  if (operands.length > 0 && !listing) return `the argument \`${operands[0]}\` would name a branch to create (a listing takes \`--list PATTERN\`)`;
  return null;
}
