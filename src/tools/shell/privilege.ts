/**
 * Programs that run a command as another user (root, usually). Wherever one of them is started,
 * the command is privileged: it needs the user's password and never becomes an "always" rule.
 */
const PRIVILEGE_TOOLS = new Set(['sudo', 'sudoedit', 'doas', 'pkexec', 'su', 'run0']);

/**
 * Programs that run the program named in their arguments, with options of their own (`env -i`,
 * `nice -n 5`, `timeout -s KILL 5`) or a script (`bash -c`). Their options are many and change
 * between versions, so rather than parse them, any mention of a privilege tool among their
 * arguments counts: a false alarm costs a password prompt, a miss costs root.
 */
const WRAPPERS = new Set(
  (
    'env command exec builtin eval nice nohup timeout stdbuf time setsid xargs chrt ionice taskset flock watch ' +
    'unbuffer strace ltrace busybox nsenter unshare firejail systemd-run script parallel numactl torsocks ' +
    'proxychains proxychains4 catchsegv chroot runuser setpriv start-stop-daemon ' +
    'bash sh zsh dash ksh fish python python3 perl ruby node php'
  ).split(' '),
);
/** find runs what follows these actions. */
const FIND_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir']);
/** A privilege tool as a whole word inside an argument: `sudo`, `/usr/bin/sudo`, `'su -c id'`. */
const MENTION = /(?:^|[^\w.@%+=-])(sudo|sudoedit|doas|pkexec|su|run0)(?=$|[^\w.@%+=-])/;

/** What bash removes before it looks a word up: quotes and backslashes (`\sudo`, `s'u'do`). */
const unquoted = (word: string) => word.replaceAll(/[\\'"]/g, '');
const baseName = (word: string) => word.slice(word.lastIndexOf('/') + 1);

/** The privilege tool a simple command (argv as written or as valued) starts, if any. */
export function privilegeTool(argv: string[]): string | undefined {
  const first = argv[0] === undefined ? undefined : unquoted(argv[0]);
  if (first === undefined) return undefined;
  const name = baseName(first);
  if (PRIVILEGE_TOOLS.has(name)) return name;
  // A command name that is not a plain word (`$(echo sudo)`, `"$S"udo`) may spell one.
  const named = MENTION.exec(first)?.[1];
  if (named) return named;
  for (const arg of programArguments(name, argv.slice(1))) {
    const found = mention(arg);
    if (found) return found;
  }
  return undefined;
}

/** `command -v sudo` only says where sudo is. */
const onlyLooksUp = (name: string, args: string[]) => name === 'command' && args.some((a) => /^-[pvV]*[vV]/.test(a));

/** The arguments that may name the program it runs. */
function programArguments(name: string, args: string[]): string[] {
  if (onlyLooksUp(name, args)) return [];
  if (WRAPPERS.has(name)) return args;
  if (name === 'find') return args.slice(args.findIndex((a) => FIND_ACTIONS.has(a)) + 1 || args.length);
  return [];
}

/** Whether a simple command runs a program named in its arguments or its input (a wrapper, a shell, `find -exec`). */
export function runsOtherPrograms(argv: string[]): boolean {
  const [first, ...args] = argv.map(unquoted);
  if (first === undefined) return false;
  const name = baseName(first);
  if (onlyLooksUp(name, args)) return false;
  return WRAPPERS.has(name) || (name === 'find' && args.some((a) => FIND_ACTIONS.has(a)));
}

/** For a line that could not be parsed, or that feeds text to a program runner: any mention of a privilege tool counts. */
export function mentionsPrivilege(line: string): boolean {
  return mention(line) !== undefined;
}

/**
 * A privilege tool named in `text`, read two ways: with quotes and backslashes removed as bash
 * would for a word (`s\udo`), and with each escape as a separator, as `printf 'sudo\0ls'` prints.
 */
function mention(text: string): string | undefined {
  return MENTION.exec(unquoted(text))?.[1] ?? MENTION.exec(text.replaceAll(/\\./g, ' ').replaceAll(/['"]/g, ''))?.[1];
}
