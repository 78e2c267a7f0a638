import { parseArgs } from 'node:util';
import { loadMarkdownRenderer } from '../answer-writer.js';
import { ChatSession } from '../chat-session.js';
import { CliError, EXIT } from '../cli-error.js';
import { openConsoleInput, type ConsoleInput } from '../console-input.js';
import { connectFromArgs, CONNECTION_OPTIONS, reasoningArg, workspaceArg } from '../options.js';
import { TextOut } from '../text-out.js';

export const CHAT_USAGE = 'ducklm chat [--workspace DIR] [--conversation ID | --resume [ID]] [--reasoning on|off] [--url URL] [--token TOKEN]';

export const CHAT_OPTIONS = {
  ...CONNECTION_OPTIONS,
  workspace: { type: 'string', short: 'w' },
  conversation: { type: 'string', short: 'c' },
  resume: { type: 'boolean', short: 'r' },
  reasoning: { type: 'string' },
} as const;

/** `ducklm chat`: an interactive session in the terminal. */
export async function chat(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: CHAT_OPTIONS,
    // `--resume ID`: parseArgs has no optional option values, so the ID comes as a positional.
    allowPositionals: true,
    strict: true,
  });
  const resume = values.resume === true;
  if (positionals.length > (resume ? 1 : 0)) throw new CliError(`Unexpected "${positionals.at(-1)}". Usage: ${CHAT_USAGE}`);
  if (resume && positionals[0] && values.conversation && positionals[0] !== values.conversation) throw new CliError('--resume ID and --conversation ID name two conversations: give one.');
  const workspace = workspaceArg(values.workspace);
  const reasoning = reasoningArg(values.reasoning);
  const connection = await connectFromArgs(values);
  const out = new TextOut(process.stdout);
  const markdown = out.style.enabled ? await loadMarkdownRenderer() : undefined;
  let input: ConsoleInput | null = null;
  // Leaving with the terminal still in raw mode would leave the shell unusable.
  const quitNow = (code: number) => {
    input?.close();
    out.endLine();
    process.exit(code);
  };
  const onTerminate = () => quitNow(EXIT.failed);
  process.once('SIGTERM', onTerminate);
  process.once('SIGHUP', onTerminate);
  input = openConsoleInput({ input: process.stdin, output: process.stdout, onStrayInterrupt: () => quitNow(EXIT.interrupted) });
  try {
    const session = new ChatSession({
      api: connection.api,
      url: connection.url,
      inProcess: connection.inProcess,
      workspace,
      conversationId: positionals[0] ?? values.conversation ?? null,
      resume,
      reasoning,
      input,
      out,
      markdown,
      quitNow: () => quitNow(EXIT.interrupted),
    });
    return await session.run();
  } finally {
    input.close();
    process.off('SIGTERM', onTerminate);
    process.off('SIGHUP', onTerminate);
    await connection.close();
  }
}
