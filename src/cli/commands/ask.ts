import { parseArgs } from 'node:util';
import { consolePrompts, describePausedTask } from '../approval-prompts.js';
import { CliError, EXIT } from '../cli-error.js';
import { openConsoleInput } from '../console-input.js';
import { CONNECTION_OPTIONS, reasoningArg, withConnection, workspaceArg } from '../options.js';
import { loadMarkdownRenderer } from '../answer-writer.js';
import { EventRenderer } from '../render-events.js';
import { driveTask, type TaskPrompts } from '../task-driver.js';
import { TextOut } from '../text-out.js';
import { inert } from '../inert.js';
import type { Attachment } from '../../runtime/attachment.js';
import { PIPED_LIMIT, readPiped } from '../piped-input.js';

export const ASK_USAGE = 'ducklm ask "question" [--workspace DIR] [--conversation ID] [--reasoning on|off] [--url URL] [--token TOKEN]';

export const ASK_OPTIONS = { ...CONNECTION_OPTIONS, workspace: { type: 'string', short: 'w' }, conversation: { type: 'string' }, reasoning: { type: 'string' } } as const;

/** Nobody to ask: the task stays paused and the command says how to go on. */
const LEAVE_PAUSED: TaskPrompts = {
  approval: async () => 'leave',
  password: async () => ({ kind: 'leave' }),
};

/**
 * One question, one answer, for scripts: the answer alone on stdout, everything else on stderr,
 * and an exit code that tells success (0), failure (1), an approval nobody could give (3) and
 * Ctrl-C (130) apart. With a terminal on stdin, approvals are asked for as in `ducklm chat`.
 */
export async function ask(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: ASK_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const workspace = workspaceArg(values.workspace);
  const reasoning = reasoningArg(values.reasoning);
  const { answer, info } = TextOut.pair(process.stdout, process.stderr);
  const markdown = answer.style.enabled ? loadMarkdownRenderer() : undefined;
  const { message, attachment } = await questionOf(positionals.join(' ').trim(), info);
  // Thinking and speed are for a person watching, not for a log.
  const renderer = new EventRenderer({ answer, info, reasoning: info.isTty ? info : null, stats: info.isTty, markdown: await markdown, undoHint: '/undo in `ducklm chat --resume` (below) takes it back' });
  const interactive = process.stdin.isTTY === true;
  return withConnection(values, async ({ api, sharedUrl, inProcess }) => {
    const input = interactive ? openConsoleInput({ input: process.stdin, output: process.stderr, onStrayInterrupt: () => process.exit(EXIT.interrupted) }) : null;
    try {
      const outcome = await driveTask(
        {
          api,
          renderer,
          prompts: input ? consolePrompts(input, info) : LEAVE_PAUSED,
          watchInterrupts: input ? (onInterrupt) => input.watchInterrupts(onInterrupt) : watchSignal,
          onRepeatedInterrupt: () => process.exit(EXIT.interrupted),
          say: (line) => info.line(info.style.dim(line)),
        },
        { path: '/v1/chat/stream', body: { message, workspace, one_off: true, ...(attachment ? { attachment } : {}), ...(values.conversation ? { conversation_id: values.conversation } : {}), ...(reasoning ? { reasoning } : {}) } },
      );
      // On stderr, never in the answer: how to go on with this conversation.
      if (outcome.conversationId) info.line(info.style.dim(`conversation ${inert(outcome.conversationId)} · ducklm chat --resume ${inert(outcome.conversationId)}`));
      switch (outcome.kind) {
        case 'completed':
          return EXIT.ok;
        case 'stopped':
          return EXIT.interrupted;
        case 'paused':
          for (const line of describePausedTask(outcome.request, sharedUrl, inProcess)) info.line(line);
          return EXIT.needsApproval;
        case 'failed':
          if (!outcome.reported) info.line(info.style.red(`✗ ${inert(outcome.message)}`));
          return EXIT.failed;
      }
    } finally {
      input?.close();
    }
  });
}

/**
 * The question from the command line, with piped standard input attached to it; or, without
 * one (or with \`-\`), standard input is the question: \`echo "question" | ducklm ask\`.
 */
async function questionOf(given: string, info: TextOut): Promise<{ message: string; attachment?: Attachment }> {
  const fromArgs = given === '-' ? '' : given;
  const piped = process.stdin.isTTY ? null : await readPiped(process.stdin);
  if (piped?.cut) info.line(info.style.yellow(`Standard input is longer than ${PIPED_LIMIT} characters: only its first ${PIPED_LIMIT} are sent.`));
  if (fromArgs && piped?.text.trim()) return { message: fromArgs, attachment: { label: 'standard input', text: piped.text, cut: piped.cut } };
  const question = fromArgs || piped?.text.trim();
  if (!question) throw new CliError(`What should ducklm answer? Usage: ${ASK_USAGE}`);
  return { message: question };
}

/** Without a terminal, Ctrl-C is a signal. */
function watchSignal(onInterrupt: () => void): () => void {
  process.on('SIGINT', onInterrupt);
  return () => process.off('SIGINT', onInterrupt);
}
