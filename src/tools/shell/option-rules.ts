/** Says why the arguments are not allowed, or returns null when they are. */
export type ArgCheck = (args: string[]) => string | null;

export interface OptionRules {
  /** Short flags allowed alone or bundled (`-la`). */
  short?: string;
  /** Short options that take a value, attached (`-n5`) or as the next argument. */
  shortWithValue?: string;
  /** Long options allowed as `--name` or `--name=value`. */
  long?: string[];
  /** `-5` as in `head -5`. */
  numeric?: boolean;
  /** Whether non-option arguments are allowed, or a check for each. */
  operands: boolean | ((operand: string) => string | null);
}

export interface ScannedArgs {
  /** Non-option arguments, in order (everything after `--` included). */
  operands: string[];
  /** Values given to options: `['r', 'file']` for `-r file`, `['reference', 'file']` for `--reference=file`. */
  values: Array<[string, string]>;
}

/** Reads args as getopt would under `rules`; unknown options are refused rather than guessed at. */
export function scanOptions(rules: OptionRules, args: string[]): ScannedArgs | { problem: string } {
  const scanned: ScannedArgs = { operands: [], values: [] };
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      if (rules.operands === false) return { problem: `does not take the argument \`${arg}\`` };
      const problem = rules.operands === true ? null : rules.operands(arg);
      if (problem) return { problem };
      scanned.operands.push(arg);
    } else if (arg === '--') {
      optionsEnded = true;
    } else if (arg.startsWith('--')) {
      const [name, ...value] = arg.slice(2).split('=');
      if (!rules.long?.includes(name!)) return { problem: `option \`${arg}\` is not allowed` };
      if (value.length > 0) scanned.values.push([name!, value.join('=')]);
    } else if (!(rules.numeric && /^-\d+$/.test(arg))) {
      for (let j = 1; j < arg.length; j++) {
        const flag = arg[j]!;
        if (rules.shortWithValue?.includes(flag)) {
          const value = j < arg.length - 1 ? arg.slice(j + 1) : args[++i];
          if (value !== undefined) scanned.values.push([flag, value]);
          break;
        }
        if (!rules.short?.includes(flag)) return { problem: `option \`-${flag}\` is not allowed` };
      }
    }
  }
  return scanned;
}

/** Any option this command does not list might write or run something, so it is refused. */
export function options(rules: OptionRules): ArgCheck {
  return (args) => {
    const scanned = scanOptions(rules, args);
    return 'problem' in scanned ? scanned.problem : null;
  };
}

/** A command whose operands are files or folders it reads: checked against the workspace before it runs. */
export function readsOperands(rules: OptionRules): { check: ArgCheck; paths: (args: string[]) => string[] } {
  return {
    check: options(rules),
    paths: (args) => {
      const scanned = scanOptions(rules, args);
      return 'problem' in scanned ? [] : scanned.operands.filter((o) => o !== '-');
    },
  };
}
