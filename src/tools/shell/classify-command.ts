import { maxRisk, type ActionType, type RiskLevel } from '../risk.js';
import type { CommandSpec } from './command-runner.js';
import { assessArgv, INTERPRETERS, showArgv, type Assessment } from './command-risk.js';
import { parseShell } from './parse-shell.js';

export interface CommandClassification {
  /** The command exactly as asked for. */
  command: string;
  /** True only for a plain read-only command from the allowlist: it may run without asking. */
  knownSafe: boolean;
  riskLevel: RiskLevel;
  actionType: ActionType;
  /** The command starts with sudo: after approval it needs the user's password. */
  sudo: boolean;
  /** How to run it (for sudo: the command after `sudo` and its options). */
  spec: CommandSpec;
  /** Why it is or is not known-safe, in words a user can read. */
  reason: string;
}

/** Runs `inner` as root, reading the password from stdin with no prompt and no cached credentials. */
export function sudoArgv(inner: CommandSpec): string[] {
  const prefix = ['sudo', '-S', '-k', '-p', ''];
  return inner.kind === 'argv' ? [...prefix, ...inner.argv] : [...prefix, 'bash', '-c', inner.script];
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const MAX_NESTING = 3;

export function classifyCommand(command: string): CommandClassification {
  return classify(command, 0);
}

function classify(command: string, depth: number): CommandClassification {
  const asScript: CommandSpec = { kind: 'shell', script: command };
  const unsafe = { command, knownSafe: false, sudo: false, spec: asScript };
  const parsed = parseShell(command);
  if ('error' in parsed) return { ...unsafe, riskLevel: 'medium', actionType: 'unknown', reason: `could not be parsed: it ${parsed.error}` };
  if (parsed.commands.length === 0) return { ...unsafe, riskLevel: 'medium', actionType: 'unknown', reason: 'the command is empty' };

  const features = [...parsed.features];
  const parts: Assessment[] = [];
  let sudo: { argv: string[]; reason: string } | undefined;
  let sudoAnywhere = false;
  for (const [index, { after, words, redirects }] of parsed.commands.entries()) {
    const assignments = words.filter((w, i) => ASSIGNMENT.test(w) && words.slice(0, i).every((p) => ASSIGNMENT.test(p)));
    const argv = words.slice(assignments.length);
    const name = argv[0]?.slice(argv[0].lastIndexOf('/') + 1);
    if (name === 'sudo') {
      sudoAnywhere = true;
      const inner = splitSudo(argv.slice(1));
      if (index === 0) sudo = inner;
      parts.push({ riskLevel: 'high', actionType: 'privileged', reason: inner.reason, safe: false });
    } else if (name !== undefined) {
      const piped = after === '|' || after === '|&';
      parts.push(
        piped && INTERPRETERS.has(name)
          ? { riskLevel: 'high', actionType: 'unknown', reason: `pipes text into \`${name}\` to run it as code`, safe: false }
          : assessArgv(argv),
      );
    }
    if (assignments.length > 0) {
      features.push(`sets an environment variable (\`${assignments[0]}\`)`);
      parts.push({ riskLevel: 'medium', actionType: 'unknown', reason: 'environment variables can change what a command loads or runs', safe: false });
    }
    for (const { op, target } of redirects) parts.push(assessRedirect(op, target));
  }
  for (const body of parsed.substitutions) {
    const inner = depth < MAX_NESTING ? classify(body, depth + 1) : undefined;
    parts.push(inner ? { ...inner, safe: false } : { riskLevel: 'high', actionType: 'unknown', reason: 'nests command substitutions too deeply to judge', safe: false });
  }

  const riskLevel = parts.map((p) => p.riskLevel).reduce(maxRisk, 'none');
  const worst = parts.find((p) => p.riskLevel === riskLevel) ?? parts[0]!;
  const simple = features.length === 0 && parsed.commands.length === 1;
  const base = { command, riskLevel, actionType: worst.actionType };

  if (sudoAnywhere) {
    const spec: CommandSpec = simple && sudo ? { kind: 'argv', argv: sudo.argv } : asScript;
    const reason = simple && sudo ? sudo.reason : 'runs `sudo`: after approval the whole command runs as root and needs your password';
    return { ...base, riskLevel: 'high', actionType: 'privileged', knownSafe: false, sudo: true, spec, reason };
  }
  const only = parts[0];
  if (simple && parts.length === 1 && only?.safe) {
    return { ...base, knownSafe: true, sudo: false, spec: { kind: 'argv', argv: parsed.commands[0]!.words }, reason: only.reason };
  }
  const reason = [features[0], worst.safe ? undefined : worst.reason].filter(Boolean).join('; ');
  const spec: CommandSpec = simple ? { kind: 'argv', argv: parsed.commands[0]!.words } : asScript;
  return { ...base, knownSafe: false, sudo: false, spec, reason };
}

function assessRedirect(op: string, target: string | undefined): Assessment {
  if (op === '<' || op === '<&' || op === '<<' || op === '<<<') return { riskLevel: 'low', actionType: 'file_read', reason: 'reads input from a file', safe: false };
  if (target === '/dev/null' || (op === '>&' && /^(\d+|-)$/.test(target ?? ''))) {
    return { riskLevel: 'none', actionType: 'file_read', reason: 'redirects output', safe: false };
  }
  return { riskLevel: 'medium', actionType: 'file_write', reason: `writes to \`${target ?? '?'}\``, safe: false };
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
