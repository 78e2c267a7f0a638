import { EventSourceParserStream } from 'eventsource-parser/stream';
import { taskEventSchema, type TaskEvent } from '../../events/task-event.js';

/** A task event and the SSE `id` it came with: its sequence number in the task log, where a follower resumes. */
export interface TaskFrame {
  id: number | null;
  event: TaskEvent;
}

/**
 * The task events of an SSE response body, in order. Frames this client does not know (a newer
 * server's events) are skipped rather than failing the stream: seen again after a reconnection,
 * they are skipped again. `onActivity` hears of every frame and comment (keepalive), for an idle watchdog.
 */
export async function* taskFrames(body: NonNullable<Response['body']>, onActivity: () => void = () => {}): AsyncGenerator<TaskFrame> {
  const frames = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream({ onComment: onActivity }));
  for await (const frame of frames) {
    onActivity();
    let data: unknown;
    try {
      data = JSON.parse(frame.data);
    } catch {
      continue;
    }
    const parsed = taskEventSchema.safeParse({ ...(data as object), type: frame.event });
    if (!parsed.success) continue;
    yield { id: frame.id !== undefined && /^\d+$/.test(frame.id) ? Number(frame.id) : null, event: parsed.data };
  }
}
