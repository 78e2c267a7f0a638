import { UserError } from '../errors.js';
import { VERSION } from '../version.js';
import { CliError, EXIT } from './cli-error.js';
import { asksForHelp, formatHelp, type CommandHelp } from './command-help.js';
import { ask, ASK_OPTIONS, ASK_USAGE } from './commands/ask.js';
import { audit, AUDIT_OPTIONS, AUDIT_USAGE } from './commands/audit.js';
import { chat, CHAT_OPTIONS, CHAT_USAGE } from './commands/chat.js';
import { memory, MEMORY_OPTIONS, MEMORY_USAGE } from './commands/memory.js';
import { models, MODELS_USAGE } from './commands/models.js';
import { serve, SERVE_OPTIONS, SERVE_USAGE } from './commands/serve.js';
import { token, TOKEN_USAGE } from './commands/token.js';
import { inert } from './inert.js';

interface Command {
  /** Resolves with the exit code, or undefined for `serve`, which keeps running. */
  run(args: string[]): Promise<number | undefined>;
  /** Null: the command answers `--help` itself (`models`, whose subcommands have their own usage). */
  help: CommandHelp | null;
  /** Its lines in the overview that `ducklm --help` prints. */
  overview: string;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    run: async (args) => {
      await serve(args);
      return undefined;
    },
    help: {
      usage: SERVE_USAGE,
      about: `                 start the HTTP API (default 127.0.0.1:8765; a host other than loopback
                 needs --allow-remote); the first line printed is where it listens`,
      options: SERVE_OPTIONS,
      connects: false,
    },
    overview: `${SERVE_USAGE}
                 start the HTTP API (default 127.0.0.1:8765; a host other than loopback
                 needs --allow-remote)`,
  },
  chat: {
    run: chat,
    help: {
      usage: CHAT_USAGE,
      about: `                 talk in the terminal: answers stream, commands ask for your approval;
                 --resume goes on with a conversation of the workspace (on a terminal with
                 more than one, it lists the recent ones to choose from; else the latest) or
                 with ID, and follows its task if it is still running. A file write or edit
                 shows its diff before you approve it; /undo takes the last one back (/changes
                 lists them). /help lists the chat's own commands.`,
      options: CHAT_OPTIONS,
      connects: true,
    },
    overview: `ducklm chat [--workspace DIR] [--conversation ID | --resume [ID]] [--reasoning on|off]
                 talk in the terminal: answers stream, commands ask for your approval;
                 --resume goes on with a recent conversation (or ID) and follows its task
                 if it is still running`,
  },
  ask: {
    run: ask,
    help: {
      usage: ASK_USAGE,
      about: `                 one answer on stdout, for scripts (exit 0 ok, 1 failed, 3 needs approval,
                 130 stopped); the conversation id goes to stderr. Piped standard input is
                 the question when none is given, and context for it when one is
                 (\`git diff | ducklm ask "write a commit message"\`); only its first
                 80 000 characters are sent.`,
      options: ASK_OPTIONS,
      connects: true,
    },
    overview: `ducklm ask "question" [--workspace DIR] [--conversation ID] [--reasoning on|off]
                 one answer on stdout, for scripts (exit 0 ok, 1 failed, 3 needs approval);
                 piped standard input is the question, or context for the one given`,
  },
  memory: {
    run: memory,
    help: {
      usage: MEMORY_USAGE,
      about: '                 see, add, correct and forget what ducklm remembers',
      options: MEMORY_OPTIONS,
      connects: true,
    },
    overview: `ducklm memory list|search "q"|add "text"|edit ID "text"|rm ID  [--workspace DIR] [--json]
                 see, add, correct and forget what ducklm remembers`,
  },
  models: { run: models, help: null, overview: MODELS_USAGE },
  audit: {
    run: audit,
    help: {
      usage: AUDIT_USAGE,
      about: '                 the commands ducklm ran or was refused, newest first (default 20)',
      options: AUDIT_OPTIONS,
      connects: true,
    },
    overview: `ducklm audit [--limit N] [--json]
                 the commands ducklm ran or was refused, newest first`,
  },
  token: {
    run: async (args) => {
      token(args);
      return EXIT.ok;
    },
    help: {
      usage: TOKEN_USAGE,
      about: `                 print the API token that every request needs (created on first use), e.g.
                 curl -H "Authorization: Bearer $(ducklm token)" …`,
      options: {},
      connects: false,
    },
    overview: `${TOKEN_USAGE}   print the API token that every request needs (created on first use)`,
  },
};

const USAGE = `ducklm ${VERSION}: a local-first personal AI agent

Usage:
${Object.values(COMMANDS)
  .map((command) => `  ${command.overview}`)
  .join('\n')}
  ducklm --version
  ducklm COMMAND --help

chat, ask, memory, models and audit talk to the server at --url, else DUCK_URL, else DUCK_HOST:DUCK_PORT;
when nothing runs there (and no URL was given) they start one inside the command. The token is
--token, else DUCK_API_TOKEN, else the token file. The workspace defaults to the current folder.

Environment: DUCK_MODEL_BASE_URL (your OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1),
DUCK_MODEL, DUCK_MODEL_<ROLE>, DUCK_MODEL_SERVER, DUCK_MODEL_IDLE_TIMEOUT_MS, DUCK_MODEL_PATH (a .gguf run in-process), DUCK_DB_PATH, DUCK_DATA_DIR, DUCK_HOST, DUCK_PORT,
DUCK_URL, DUCK_API_TOKEN (else a token kept in <data folder>/api-token), DUCK_ENABLE_REFLECTION=1, NO_COLOR.`;

/** Runs a command; resolves with its exit code, or undefined for `serve`, which keeps running. */
export async function main(argv: string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  const command = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name]! : undefined;
  if (command) {
    // One place for every command's --help, before its own (strict) parsing could refuse it.
    if (command.help && asksForHelp(rest, command.help.options)) {
      process.stdout.write(formatHelp(command.help));
      return EXIT.ok;
    }
    return command.run(rest);
  }
  switch (name) {
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    default:
      throw new UserError(`Unknown command "${inert(name)}".\n\n${USAGE}`);
  }
}

/** Exits once what was written has left: process.exit does not wait for a pipe to drain. */
async function exit(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
  process.exit(code);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) return exit(code);
  },
  (error: unknown) => {
    const expected = error instanceof UserError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    const message = expected ? error.message : `ducklm failed: ${error instanceof Error ? error.message : String(error)}`;
    // An error's text may quote the server, a file or the model.
    process.stderr.write(`${inert(message, { multiline: true })}\n`);
    return exit(error instanceof CliError ? error.exitCode : EXIT.failed);
  },
);
