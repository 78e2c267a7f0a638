import { EventSourceParserStream } from 'eventsource-parser/stream';
import { taskEventSchema, type TaskEvent } from '../../events/task-event.js';

/**
 * The task events of an SSE response body, in order. Frames this client does not know (a newer
 * server's events) are skipped rather than failing the stream.
 */
export async function* taskEvents(body: NonNullable<Response['body']>): AsyncGenerator<TaskEvent> {
  const frames = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const frame of frames) {
    let data: unknown;
    try {
      data = JSON.parse(frame.data);
    } catch {
      continue;
    }
    const parsed = taskEventSchema.safeParse({ ...(data as object), type: frame.event });
    if (parsed.success) yield parsed.data;
  }
}
