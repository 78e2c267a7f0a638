/**
 * Standard input for `ducklm ask`: the question itself (`echo "question" | ducklm ask`), or
 * text attached to the question given on the command line (`git diff | ducklm ask "write a commit
 * message"`), which the server keeps apart from the question as untrusted (runtime/attachment.ts).
 */
import { ATTACHMENT_LIMIT } from '../runtime/attachment.js';

/** What the server takes as an attachment. Longer input is cut here, and said, instead of refused there. */
export const PIPED_LIMIT = ATTACHMENT_LIMIT;

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
