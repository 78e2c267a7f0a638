import type { ActionType, RiskLevel } from '../risk.js';
import { options, readsOperands, scanOptions, type ArgCheck, type OptionRules } from './option-rules.js';
import { gitBranchCheck } from './git-branch-options.js';
import { psCheck } from './ps-options.js';

export interface ReadOnlyCommand {
  actionType: ActionType;
  riskLevel: RiskLevel;
  /** Completes "`cmd args` is a read-only ...". */
  description: string;
  check: ArgCheck;
  /** The arguments it reads as files or folders: each must stay inside the workspace to run unasked. */
  paths?: (args: string[]) => string[];
}

/** `/proc/PID/environ` and friends hold other processes' secrets, this server's API keys among them. */
const notProc = (operand: string) => (/(^|\/)proc\//.test(operand) ? `\`${operand}\` is under /proc, where other processes' secrets live` : null);
const noArgs = options({ operands: false });
const exactly =
  (...allowed: string[][]): ArgCheck =>
  (args) =>
    allowed.some((a) => a.join('\0') === args.join('\0')) ? null : `only \`${allowed.map((a) => a.join(' ')).join('`, `')}\` is allowed`;

function subcommands(table: Record<string, ArgCheck>): ArgCheck {
  return ([sub, ...rest]) => {
    const check = sub === undefined ? undefined : table[sub];
    if (!check) return `only the subcommands ${Object.keys(table).join(', ')} are allowed`;
    return check(rest);
  };
}

const GIT_READ = ['status', 'log', 'diff', 'show', 'branch'];
/** Options that write files, run programs or change config. Git accepts abbreviations of long options, so prefixes count too. */
const GIT_DENIED = ['--output', '--ext-diff', '--textconv', '--exec', '--exec-path', '--upload-pack', '--receive-pack', '--config', '--config-env', '--git-dir', '--work-tree', '--open-files-in-pager', '--paginate', '--no-index', '--submodule', '--recurse-submodules', '--orderfile'];

function gitCheck(args: string[]): string | null {
  let i = 0;
  for (; args[i]?.startsWith('-'); i++) {
    if (args[i] === '--version' && args.length === 1) return null;
    if (args[i] !== '--no-pager') return `option \`${args[i]}\` before the subcommand can change settings that run programs`;
  }
  const sub = args[i];
  if (sub === undefined || !GIT_READ.includes(sub)) return sub === undefined ? 'needs a subcommand' : `\`${sub}\` is not a read-only git subcommand`;
  const rest = args.slice(i + 1);
  const end = rest.indexOf('--');
  for (const arg of end < 0 ? rest : rest.slice(0, end)) {
    const name = arg.split('=')[0]!;
    if (name.length > 2 && GIT_DENIED.some((d) => d.startsWith(name))) return `option \`${name}\` can write files or run programs`;
    if (/^-O/.test(arg)) return '`-O` reads an order file, which may lie outside the workspace';
  }
  return sub === 'branch' ? gitBranchCheck(rest) : null;
}

/** Paths git reads: operands after the subcommand (revisions too, which resolve harmlessly inside). */
function gitPaths(args: string[]): string[] {
  let i = 0;
  while (args[i]?.startsWith('-')) i++;
  const rest = args.slice(i + 1);
  const end = rest.indexOf('--');
  return [...(end < 0 ? rest : rest.slice(0, end)).filter((a) => !a.startsWith('-')), ...(end < 0 ? [] : rest.slice(end + 1))];
}

export const FIND_DENIED = /^-(exec|execdir|ok|okdir|delete|fprint|fprint0|fprintf|fls)$/;
/** Following symlinks while walking can leave the workspace; -files0-from takes start points from a file. */
const FIND_LEAVES = /^-(L|follow|files0-from)$/;

function findCheck(args: string[]): string | null {
  const denied = args.find((a) => FIND_DENIED.test(a));
  if (denied) return `\`${denied}\` changes files or runs commands`;
  const leaves = args.find((a) => FIND_LEAVES.test(a));
  return leaves ? `\`${leaves}\` can lead the search out of the workspace` : null;
}

/** find's start points: the arguments before the first test or action (`-name`, `(`, `!`...). */
function findPaths(args: string[]): string[] {
  let i = 0;
  for (; i < args.length && /^-([HP]|D|O\d*)$/.test(args[i]!); i++) if (args[i] === '-D') i++;
  const starts: string[] = [];
  for (; i < args.length && !/^[-(!),]/.test(args[i]!); i++) starts.push(args[i]!);
  return starts;
}

const ipShow: ArgCheck = (args) => {
  let i = 0;
  while (args[i] && /^-(4|6|br|brief|c|color|j|json|p|pretty|s|stats|o|oneline)$/.test(args[i]!)) i++;
  const [object, verb, ...rest] = args.slice(i);
  if (!object || !['addr', 'address', 'a', 'link', 'l', 'route', 'r', 'ro'].includes(object)) return 'only `ip addr`, `ip link` and `ip route` are allowed';
  if (verb !== undefined && !['show', 'list', 'ls'].includes(verb)) return `\`${verb}\` may change the network setup`;
  return rest.every((a) => /^[\w.:@/-]+$/.test(a)) ? null : 'unexpected arguments';
};

const LS: OptionRules = {
  short: 'aAbBcCdfFgGhiklLmnNopqQrRsStuUvxX1Z',
  shortWithValue: 'wIT',
  long: ['all', 'almost-all', 'author', 'escape', 'block-size', 'ignore-backups', 'color', 'directory', 'classify', 'file-type', 'format', 'full-time', 'group-directories-first', 'no-group', 'human-readable', 'si', 'dereference', 'dereference-command-line', 'hide', 'indicator-style', 'inode', 'ignore', 'kibibytes', 'literal', 'numeric-uid-gid', 'hide-control-chars', 'show-control-chars', 'quote-name', 'quoting-style', 'reverse', 'recursive', 'size', 'sort', 'time', 'time-style', 'tabsize', 'width', 'context', 'zero'],
  operands: true,
};

/** `ls -R` with `-L` walks into symlinked folders, which can lead out of the workspace. */
const lsCheck: ArgCheck = (args) => {
  const problem = options(LS)(args);
  if (problem) return problem;
  const flags = args.slice(0, args.includes('--') ? args.indexOf('--') : args.length);
  const has = (short: string, long: string) => flags.some((a) => a === `--${long}` || (/^-[^-]/.test(a) && a.includes(short)));
  return has('R', 'recursive') && has('L', 'dereference') ? '`-R` with `-L` follows symlinks out of the workspace' : null;
};

// No -s/--set and no MMDDhhmm operand: those set the clock.
const DATE: OptionRules = { short: 'uRI', shortWithValue: 'dr', long: ['utc', 'universal', 'rfc-email', 'rfc-3339', 'iso-8601', 'date', 'reference'], operands: (op) => (op.startsWith('+') ? null : `\`${op}\` would set the clock`) };

/** `date -r FILE` reads a file's time. */
function datePaths(args: string[]): string[] {
  const scanned = scanOptions(DATE, args);
  return 'problem' in scanned ? [] : scanned.values.filter(([flag]) => flag === 'r' || flag === 'reference').map(([, value]) => value);
}

const PLAIN_WORDS = /^[\p{L}\p{N} _.,:!@%+=/-]*$/u;

const FILE: Pick<ReadOnlyCommand, 'actionType' | 'riskLevel' | 'description'> = { actionType: 'file_read', riskLevel: 'low', description: 'file read' };
const INFO: Pick<ReadOnlyCommand, 'actionType' | 'riskLevel' | 'description'> = { actionType: 'system_info', riskLevel: 'none', description: 'system information command' };
const PACKAGES: Pick<ReadOnlyCommand, 'actionType' | 'riskLevel' | 'description'> = { actionType: 'package_check', riskLevel: 'low', description: 'package check' };

/** Commands that may run without asking, keyed by their bare name. */
export const READ_ONLY_COMMANDS: Record<string, ReadOnlyCommand> = {
  ls: { ...FILE, description: 'directory listing', ...readsOperands(LS), check: lsCheck },
  cat: { ...FILE, ...readsOperands({ short: 'AbeEnstTuv', long: ['show-all', 'number-nonblank', 'show-ends', 'number', 'squeeze-blank', 'show-tabs', 'show-nonprinting'], operands: notProc }) },
  head: { ...FILE, ...readsOperands({ short: 'qvz', shortWithValue: 'cn', numeric: true, long: ['bytes', 'lines', 'quiet', 'silent', 'verbose', 'zero-terminated'], operands: notProc }) },
  // No -f/-F/--follow: following a file never ends.
  tail: { ...FILE, ...readsOperands({ short: 'qvz', shortWithValue: 'cn', numeric: true, long: ['bytes', 'lines', 'quiet', 'silent', 'verbose', 'zero-terminated'], operands: notProc }) },
  wc: { ...FILE, ...readsOperands({ short: 'clmwL', long: ['bytes', 'chars', 'lines', 'words', 'max-line-length', 'total'], operands: true }) },
  // No -L/--dereference: following symlinks while adding up a tree can leave the workspace. No -X: it reads a file.
  du: { ...FILE, description: 'disk usage check', ...readsOperands({ short: 'abcDhHklmsSxP0', shortWithValue: 'dBt', long: ['all', 'apparent-size', 'block-size', 'bytes', 'total', 'dereference-args', 'max-depth', 'human-readable', 'inodes', 'si', 'summarize', 'separate-dirs', 'one-file-system', 'threshold', 'time', 'time-style', 'exclude', 'null', 'count-links', 'no-dereference'], operands: true }) },
  // No -p: it resets access times. No -C: it writes a compiled magic file.
  file: { ...FILE, ...readsOperands({ short: 'bhiLkNnrsSzZ0E', long: ['brief', 'mime', 'mime-type', 'mime-encoding', 'dereference', 'no-dereference', 'keep-going', 'raw', 'special-files', 'uncompress', 'uncompress-noreport', 'extension', 'apple', 'no-pad', 'no-buffer'], operands: true }) },
  stat: { ...FILE, ...readsOperands({ short: 'LftZ', shortWithValue: 'c', long: ['dereference', 'file-system', 'format', 'printf', 'terse', 'cached'], operands: true }) },
  find: { ...FILE, description: 'file search', check: findCheck, paths: findPaths },
  git: { ...FILE, description: 'git query', check: gitCheck, paths: gitPaths },
  uname: { ...INFO, check: options({ short: 'asnrvmpio', long: ['all', 'kernel-name', 'nodename', 'kernel-release', 'kernel-version', 'machine', 'processor', 'hardware-platform', 'operating-system'], operands: false }) },
  id: { ...INFO, check: options({ short: 'agGnruzZ', long: ['context', 'group', 'groups', 'name', 'real', 'user', 'zero'], operands: true }) },
  whoami: { ...INFO, check: noArgs },
  // No operands and no -F/-b: those set the hostname.
  hostname: { ...INFO, check: options({ short: 'sfdiIAa', long: ['short', 'fqdn', 'long', 'domain', 'ip-address', 'all-ip-addresses', 'all-fqdns', 'alias'], operands: false }) },
  uptime: { ...INFO, check: options({ short: 'ps', long: ['pretty', 'since'], operands: false }) },
  df: { ...INFO, check: options({ short: 'ahHiklPT', shortWithValue: 'Btx', long: ['all', 'block-size', 'human-readable', 'si', 'inodes', 'local', 'output', 'portability', 'print-type', 'total', 'type', 'exclude-type'], operands: true }) },
  // No -s/-c: repeating never ends.
  free: { ...INFO, check: options({ short: 'bkmghltvw', long: ['bytes', 'kilo', 'mega', 'giga', 'tera', 'peta', 'kibi', 'mebi', 'gibi', 'tebi', 'pebi', 'human', 'si', 'lohi', 'total', 'wide'], operands: false }) },
  ps: { ...INFO, riskLevel: 'low', description: 'process listing', check: psCheck },
  pwd: { ...INFO, check: options({ short: 'LP', operands: false }) },
  date: { ...INFO, check: options(DATE), paths: datePaths },
  echo: { ...INFO, description: 'echo of plain words', check: options({ short: 'n', operands: (op) => (PLAIN_WORDS.test(op) ? null : 'only plain words may be echoed') }) },
  which: { ...INFO, check: options({ short: 'a', operands: true }) },
  lsb_release: { ...INFO, check: options({ short: 'aidrcs', long: ['all', 'id', 'description', 'release', 'codename', 'short'], operands: false }) },
  // No -s/--sysroot: it reads another folder as the system root.
  lscpu: { ...INFO, check: options({ short: 'abBcCeJpxy', long: ['all', 'online', 'bytes', 'caches', 'offline', 'json', 'extended', 'parse', 'hex', 'physical', 'output-all'], operands: false }) },
  lsblk: {
    ...INFO,
    check: options({
      short: 'ADJMOPSTabdfilmnprstyz',
      shortWithValue: 'EIeowx',
      long: ['noempty', 'discard', 'dedup', 'include', 'json', 'merge', 'output-all', 'pairs', 'scsi', 'tree', 'all', 'bytes', 'nodeps', 'exclude', 'fs', 'ascii', 'list', 'perms', 'noheadings', 'output', 'paths', 'raw', 'inverse', 'topology', 'width', 'sort', 'shell', 'zoned'],
      operands: true,
    }),
  },
  nproc: { ...INFO, check: options({ long: ['all'], operands: false }) },
  ip: { ...INFO, description: 'network information command', check: ipShow },
  node: { ...INFO, check: exactly(['--version'], ['-v']) },
  npm: { ...INFO, check: exactly(['--version'], ['-v']) },
  python3: { ...INFO, check: exactly(['--version'], ['-V']) },
  apt: {
    ...PACKAGES,
    check: subcommands({
      list: options({ short: 'a', long: ['upgradable', 'installed', 'all-versions', 'manual-installed'], operands: true }),
      show: options({ short: 'a', long: ['all-versions'], operands: true }),
      search: options({ long: ['names-only', 'full'], operands: true }),
      policy: options({ operands: true }),
    }),
  },
  'apt-cache': {
    ...PACKAGES,
    check: subcommands({
      policy: options({ operands: true }),
      show: options({ short: 'a', long: ['all-versions', 'no-all-versions'], operands: true }),
      search: options({ short: 'nf', long: ['names-only', 'full'], operands: true }),
    }),
  },
  dpkg: {
    ...PACKAGES,
    check: subcommands(Object.fromEntries(['-l', '--list', '-s', '--status', '-L', '--listfiles'].map((s) => [s, options({ operands: true })]))),
  },
};
