import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** What `ducklm <command> --help` prints, and what the command's parser knows of its options. */
export interface CommandHelp {
  /** The synopsis, one or more lines (each after the first indented as in the overview). */
  usage: string;
  /** What the command does, a few indented lines. */
  about: string;
  /** The command's options: `--workspace --help` is a value, not a request for help. */
  options: OptionsConfig;
  /** It talks to a server, so the note on --url, --token and the in-process server applies. */
  connects: boolean;
}

export const CONNECTION_NOTE = `It talks to the server at --url, else DUCK_URL, else DUCK_HOST:DUCK_PORT; when nothing runs
there (and no URL was given) it starts one inside the command. The token is --token, else
DUCK_API_TOKEN, else the token file. The workspace defaults to the current folder.`;

/**
 * Whether the arguments ask for help (`--help` or `-h` as an option of their own), read with the
 * command's own options and without its strictness: `ducklm ask --frobnicate --help` still helps.
 * After `--`, or as an option's value, it is text like any other.
 */
export function asksForHelp(args: string[], options: OptionsConfig): boolean {
  const { tokens } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: false, allowPositionals: true, tokens: true });
  return tokens.some((token) => token.kind === 'option' && token.name === 'help');
}

export function formatHelp(help: CommandHelp): string {
  return `Usage:\n  ${help.usage}\n${help.about}\n${help.connects ? `\n${CONNECTION_NOTE}\n` : ''}`;
}
