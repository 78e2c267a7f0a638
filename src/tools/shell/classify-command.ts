import { maxRisk, type ActionType, type RiskLevel } from '../risk.js';
import { BASH_SCRIPT, type CommandSpec } from './command-runner.js';
import { assessArgv, INTERPRETERS, showArgv, type Assessment } from './command-risk.js';
import { judgedCommands, judgedSpec, readsBackAs, type JudgedCommand } from './judged-script.js';
import { parseShell, type Redirect } from './parse-shell.js';
import { mentionsPrivilege, privilegeTool, runsOtherPrograms } from './privilege.js';

export interface CommandClassification {
  /** The command exactly as asked for. */
  command: string;
  /** True only for a plain read-only command from the allowlist: it may run without asking. */
  knownSafe: boolean;
  riskLevel: RiskLevel;
  actionType: ActionType;
  /**
   * The command runs sudo, doas, pkexec, su or run0 anywhere (behind `env`, `nice`, `timeout`...
   * too): after approval it needs the user's password, and it never becomes an "always" rule.
   */
  sudo: boolean;
  /**
   * How to run it. For a known-safe command it is rebuilt from `judged` alone; for sudo, the
   * command after `sudo` and its options; otherwise the line a person approved.
   */
  spec: CommandSpec;
  /** For a known-safe command: exactly the argvs and redirections that were judged, and all that runs. */
  judged?: JudgedCommand[];
  /** Why it is or is not known-safe, in words a user can read. */
  reason: string;
  /** argv of every simple command on the line (exact for a known-safe one), to check the paths they name. */
  commands: string[][];
}

/** Runs `inner` as root, reading the password from stdin with no prompt and no cached credentials. */
export function sudoArgv(inner: CommandSpec): string[] {
  const prefix = ['sudo', '-S', '-k', '-p', ''];
  return inner.kind === 'argv' ? [...prefix, ...inner.argv] : [...prefix, ...BASH_SCRIPT, inner.script];
}

export function classifyCommand(command: string): CommandClassification {
  const asScript: CommandSpec = { kind: 'shell', script: command };
  const unsafe = { command, knownSafe: false, sudo: false, spec: asScript, commands: [] };
  const parsed = parseShell(command);
  if ('error' in parsed) {
    const reason = `could not be parsed: it ${parsed.error}`;
    // Unparsed, it cannot be shown not to reach sudo; a mention is enough to need the password.
    if (mentionsPrivilege(command)) return { ...unsafe, riskLevel: 'high', actionType: 'privileged', sudo: true, reason: `${reason}; it mentions a program that runs commands as root` };
    return { ...unsafe, riskLevel: 'medium', actionType: 'unknown', reason };
  }
  const { commands } = parsed;
  if (commands.length === 0 && parsed.features.length === 0) return { ...unsafe, riskLevel: 'medium', actionType: 'unknown', reason: 'the command is empty' };

  const features = [...parsed.features];
  const parts: Assessment[] = [];
  let sudo: { argv: string[]; reason: string } | undefined;
  let sudoAnywhere = false;
  let privilegeName = 'sudo';
  for (const [index, { after, words, assignments, redirects }] of commands.entries()) {
    const name = words[0]?.slice(words[0].lastIndexOf('/') + 1);
    const privilege = privilegeTool(words);
    if (name === 'sudo') {
      sudoAnywhere = true;
      const inner = splitSudo(words.slice(1));
      if (index === 0) sudo = inner;
      parts.push({ riskLevel: 'high', actionType: 'privileged', reason: inner.reason, safe: false });
    } else if (privilege !== undefined) {
      if (!sudoAnywhere) privilegeName = privilege;
      sudoAnywhere = true;
      parts.push({ riskLevel: 'high', actionType: 'privileged', reason: `runs \`${privilege}\``, safe: false });
    } else if (name !== undefined) {
      const piped = after === '|' || after === '|&';
      parts.push(
        piped && INTERPRETERS.has(name)
          ? { riskLevel: 'high', actionType: 'unknown', reason: `pipes text into \`${name}\` to run it as code`, safe: false }
          : assessArgv(words),
      );
    }
    if (assignments.length > 0) {
      features.push(`sets an environment variable (\`${assignments[0]}\`)`);
      parts.push({ riskLevel: 'medium', actionType: 'unknown', reason: 'environment variables can change what a command loads or runs', safe: false });
    }
    for (const redirect of redirects) parts.push(assessRedirect(redirect));
  }
  // A program that runs others (`xargs`, `sh` reading a pipe or a here-string) can get sudo from text, not a word.
  if (!sudoAnywhere && commands.some((c) => runsOtherPrograms(c.words)) && mentionsPrivilege(command)) {
    sudoAnywhere = true;
    privilegeName = 'a program that runs commands as root';
  }
  if (parts.length === 0) parts.push({ riskLevel: 'medium', actionType: 'unknown', reason: features[0] ?? 'runs nothing ducklm can judge', safe: false });

  const riskLevel = parts.map((p) => p.riskLevel).reduce(maxRisk, 'none');
  const worst = parts.find((p) => p.riskLevel === riskLevel) ?? parts[0]!;
  const plain = features.length === 0 && commands.every((c) => c.literal && c.words.length > 0);
  const simple = plain && commands.length === 1 && commands[0]!.redirects.length === 0;
  const argvs = commands.map((c) => c.words);
  const base = { command, riskLevel, actionType: worst.actionType, commands: argvs };

  if (sudoAnywhere) {
    const spec: CommandSpec = simple && sudo ? { kind: 'argv', argv: sudo.argv } : asScript;
    const reason = simple && sudo ? sudo.reason : `runs ${privilegeName.includes(' ') ? privilegeName : `\`${privilegeName}\``}: after approval the whole command runs as root and needs your password`;
    return { ...base, riskLevel: 'high', actionType: 'privileged', knownSafe: false, sudo: true, spec, reason };
  }
  // Every part was checked on its own; what runs is rebuilt from those parts, never the line as written.
  if (plain && parts.every((p) => p.safe)) {
    const judged = judgedCommands(commands);
    const spec = judged && judgedSpec(judged);
    if (judged && spec && (spec.kind === 'argv' || readsBackAs(spec.script, judged))) {
      const reason = parts.length === 1 ? parts[0]!.reason : `every part is read-only: ${parts.map((p) => p.reason).join('; ')}`;
      return { ...base, knownSafe: true, sudo: false, spec, judged, reason };
    }
    return { ...base, riskLevel: maxRisk(riskLevel, 'medium'), knownSafe: false, sudo: false, spec: asScript, reason: 'could not be rebuilt from plain commands and harmless redirections alone' };
  }
  const blocking = parts.filter((p) => !p.safe).reduce<Assessment | undefined>((a, p) => (a && maxRisk(a.riskLevel, p.riskLevel) === a.riskLevel ? a : p), undefined);
  const reason = [...new Set([features[0], blocking?.reason].filter(Boolean))].join('; ');
  const spec: CommandSpec = simple ? { kind: 'argv', argv: argvs[0]! } : asScript;
  return { ...base, knownSafe: false, sudo: false, spec, reason };
}

/**
 * Output thrown away (`>/dev/null`, `2>/dev/null`, `&>/dev/null`) and descriptor copies (`2>&1`)
 * write no file and read none, so they keep a command read-only; any other redirection does not.
 */
function assessRedirect({ op, fd, target, text }: Redirect): Assessment {
  const harmless =
    (['>', '>>', '&>', '&>>', '>|', '>&'].includes(op) && target === '/dev/null') ||
    ((op === '>&' || op === '<&') && target !== undefined && /^\d$/.test(target) && (fd === undefined || /^\d$/.test(fd)));
  if (harmless) return { riskLevel: 'none', actionType: 'file_read', reason: 'discards or merges output', safe: true };
  if (op.startsWith('<')) return { riskLevel: 'low', actionType: 'file_read', reason: `uses a redirection (\`${op}\`) that reads input from ${text ? `\`${text}\`` : 'a here-document'}`, safe: false };
  return { riskLevel: 'medium', actionType: 'file_write', reason: `uses a redirection (\`${op}\`) that writes to \`${text || '?'}\``, safe: false };
}

/** sudo options that take a value; `-h` takes one only when attached, so it is not here. */
const SUDO_VALUE_SHORT = 'aCcDgprRtTUu';
const SUDO_VALUE_LONG = ['auth-type', 'close-from', 'login-class', 'chdir', 'group', 'prompt', 'chroot', 'role', 'type', 'command-timeout', 'other-user', 'user'];
/** Options about reading the password: the runner sets those itself. */
const SUDO_DROPPED_SHORT = 'SAknp';
const SUDO_DROPPED_LONG = ['stdin', 'askpass', 'reset-timestamp', 'non-interactive', 'prompt'];

/**
 * Splits `sudo [options] command`. Options other than the password ones (`-u user`, `-E`, `-i`...)
 * are kept by running a second `sudo` with them: as root it never asks for a password, and the
 * command still runs as the user, group or shell that was asked for.
 */
function splitSudo(args: string[]): { argv: string[]; reason: string } {
  const kept: string[] = [];
  const dropped: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      const tokens = !arg.includes('=') && SUDO_VALUE_LONG.includes(name) && i + 1 < args.length ? [arg, args[++i]!] : [arg];
      (SUDO_DROPPED_LONG.includes(name) ? dropped : kept).push(...tokens);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j]!;
      const into = SUDO_DROPPED_SHORT.includes(flag) ? dropped : kept;
      if (SUDO_VALUE_SHORT.includes(flag)) {
        const value = j < arg.length - 1 ? arg.slice(j + 1) : args[++i];
        into.push(`-${flag}`, ...(value === undefined ? [] : [value]));
        break;
      }
      into.push(`-${flag}`);
    }
  }
  const command = args.slice(i);
  const argv = kept.length > 0 || command.length === 0 ? ['sudo', ...kept, ...(command.length > 0 ? ['--', ...command] : [])] : command;
  const shown = command.length > 0 ? `\`${showArgv(command)}\`` : 'a command';
  const runs = kept.length > 0 ? `\`${showArgv(['sudo', ...kept])}\` runs ${shown}` : `\`sudo\` runs ${shown} as root`;
  const note = dropped.length > 0 ? ` (\`${dropped.join(' ')}\` is left out: ducklm sends the password itself)` : '';
  return { argv, reason: `${runs}; it needs your password${note}` };
}
