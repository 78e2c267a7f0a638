/**
 * A whole reply read from a backend's stream, for `chat` with `stopWhen`: the content is checked
 * as it arrives, and once `stopWhen` is satisfied the stream is left. Leaving it aborts the
 * request, so a local server frees its slot at once instead of generating a reply nobody reads.
 */
import type { FinishReason, StreamChunk, TokenUsage } from './model-client.js';

export interface StreamedReply {
  content: string;
  reasoningContent: string | null;
  usage: TokenUsage;
  finishReason: FinishReason;
}

/**
 * @param onStop called the moment `stopWhen` is satisfied, before the stream is closed: the
 *   backend's own abort, which callers tell apart from theirs.
 */
export async function replyFromStream(stream: AsyncIterable<StreamChunk>, stopWhen: (content: string) => boolean, onStop: () => void): Promise<StreamedReply> {
  let content = '';
  let reasoning = '';
  let usage: TokenUsage = {};
  let finishReason: FinishReason = 'other';
  const reply = (reason: FinishReason): StreamedReply => ({ content, reasoningContent: reasoning || null, usage, finishReason: reason });
  for await (const chunk of stream) {
    switch (chunk.type) {
      case 'reasoning_delta':
        reasoning += chunk.delta;
        break;
      case 'content_delta':
        content += chunk.delta;
        if (stopWhen(content)) {
          onStop();
          // Returning from the loop closes the stream, and with it the request.
          return reply('stopped');
        }
        break;
      case 'usage':
        usage = chunk.usage;
        break;
      case 'finish':
        finishReason = chunk.reason;
        break;
    }
  }
  return reply(finishReason);
}
