import { UserError } from '../errors.js';
import { VERSION } from '../version.js';
import { CliError, EXIT } from './cli-error.js';
import { ask } from './commands/ask.js';
import { audit } from './commands/audit.js';
import { chat } from './commands/chat.js';
import { memory } from './commands/memory.js';
import { models, MODELS_USAGE } from './commands/models.js';
import { serve } from './commands/serve.js';
import { token } from './commands/token.js';
import { inert } from './inert.js';

const USAGE = `ducklm ${VERSION}: a local-first personal AI agent

Usage:
  ducklm serve [--host HOST] [--port PORT] [--allow-remote]
                 start the HTTP API (default 127.0.0.1:8765; a host other than loopback
                 needs --allow-remote)
  ducklm chat [--workspace DIR] [--conversation ID | --resume [ID]] [--reasoning on|off]
                 talk in the terminal: answers stream, commands ask for your approval;
                 --resume goes on with the workspace's latest conversation (or ID) and
                 follows its task if it is still running
  ducklm ask "question" [--workspace DIR] [--conversation ID] [--reasoning on|off]
                 one answer on stdout, for scripts (exit 0 ok, 1 failed, 3 needs approval)
  ducklm memory list|search "q"|add "text"|edit ID "text"|rm ID  [--workspace DIR] [--json]
                 see, add, correct and forget what ducklm remembers
  ${MODELS_USAGE}
  ducklm audit [--limit N] [--json]
                 the commands ducklm ran or was refused, newest first
  ducklm token   print the API token that every request needs (created on first use)
  ducklm --version

chat, ask, memory, models and audit talk to the server at --url, else DUCK_URL, else DUCK_HOST:DUCK_PORT;
when nothing runs there (and no URL was given) they start one inside the command. The token is
--token, else DUCK_API_TOKEN, else the token file. The workspace defaults to the current folder.

Environment: DUCK_MODEL_BASE_URL (your OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1),
DUCK_MODEL, DUCK_MODEL_<ROLE>, DUCK_MODEL_SERVER, DUCK_MODEL_IDLE_TIMEOUT_MS, DUCK_MODEL_PATH (a .gguf run in-process), DUCK_DB_PATH, DUCK_DATA_DIR, DUCK_HOST, DUCK_PORT,
DUCK_URL, DUCK_API_TOKEN (else a token kept in <data folder>/api-token), DUCK_ENABLE_REFLECTION=1, NO_COLOR.`;

/** Runs a command; resolves with its exit code, or undefined for `serve`, which keeps running. */
export async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(rest);
      return undefined;
    case 'token':
      token(rest);
      return EXIT.ok;
    case 'chat':
      return chat(rest);
    case 'ask':
      return ask(rest);
    case 'memory':
      return memory(rest);
    case 'audit':
      return audit(rest);
    case 'models':
      return models(rest);
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
      throw new UserError(`Unknown command "${command}".\n\n${USAGE}`);
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
