/**
 * Standard input for `ducklm ask`: the question itself (`echo "question" | ducklm ask`), or
 * context for the question given on the command line (`git diff | ducklm ask "write a commit
 * message"`), sent after it in a fenced block that says where it came from.
 */

/**
 * The server takes a message of up to 100 000 characters; the question and the fence need some
 * of them. Longer input is cut here, said on stderr and in the message, instead of refused there.
 */
export const PIPED_LIMIT = 80_000;

export interface PipedText {
  text: string;
  /** More came than PIPED_LIMIT: `text` is its beginning. */
  cut: boolean;
}

/**
 * Reads until the end of input or until PIPED_LIMIT characters, whichever comes first. Reading
 * stops at the limit (the writer gets EPIPE) rather than holding a huge stream in memory.
 */
export async function readPiped(stream: NodeJS.ReadableStream & { destroy?(): void }, limit = PIPED_LIMIT): Promise<PipedText> {
  stream.setEncoding('utf8');
  let text = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    text += chunk;
    if (text.length > limit) {
      stream.destroy?.();
      return { text: text.slice(0, limit), cut: true };
    }
  }
  return { text, cut: false };
}

/**
 * The question, then the piped text in a fence longer than any run of backticks inside it, so
 * that nothing in the input can close the block early and pass for the person's own words.
 */
export function withPipedContext(question: string, piped: PipedText): string {
  const longestRun = Math.max(0, ...(piped.text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const note = piped.cut ? ` (cut: only its first ${PIPED_LIMIT.toLocaleString('en-US').replaceAll(',', ' ')} characters)` : '';
  return `${question}\n\nStandard input${note}:\n${fence}stdin\n${piped.text.replace(/\n$/, '')}\n${fence}`;
}
