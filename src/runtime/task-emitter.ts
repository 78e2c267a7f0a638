import { DEBUG_ONLY_EVENTS, DELTA_EVENTS, toPayload, type TaskEvent, type TaskEventInput, type TaskEventType } from '../events/task-event.js';
import type { EventsRepo } from '../store/events-repo.js';

/** Receives every event the client may see, in order (the SSE writer, a test, the CLI). */
export type EventListener = (type: TaskEventType, payload: Record<string, unknown>) => void;

/**
 * The one place a task's events go: into the event log and on to the live listener.
 * Deltas stream one by one but are logged merged, one row per run, so a long answer is a
 * handful of rows instead of thousands.
 */
export class TaskEmitter {
  private pendingDelta: { type: TaskEventType; text: string } | null = null;

  constructor(
    private readonly events: EventsRepo,
    readonly taskId: string,
    private readonly debug: boolean,
    private listener: EventListener | null,
  ) {}

  emit(input: TaskEventInput): void {
    const event = { ...input, task_id: this.taskId } as TaskEvent;
    const { type, payload } = toPayload(event);
    if (DELTA_EVENTS.has(type)) {
      const delta = (event as { delta: string }).delta;
      if (this.pendingDelta?.type !== type) this.flush();
      this.pendingDelta ??= { type, text: '' };
      this.pendingDelta.text += delta;
    } else {
      this.flush();
      this.events.append(this.taskId, type, payload);
    }
    if (this.listener && (this.debug || !DEBUG_ONLY_EVENTS.has(type))) this.listener(type, payload);
  }

  /** Writes out a run of deltas still held back. */
  flush(): void {
    if (!this.pendingDelta) return;
    const { type, text } = this.pendingDelta;
    this.pendingDelta = null;
    this.events.append(this.taskId, type, { task_id: this.taskId, delta: text });
  }

  /**
   * Only to the live listener, not the log: for the last events of a task whose event log has
   * failed (a full disk, a locked database), so that its client still sees how it ended.
   */
  tell(input: TaskEventInput): void {
    if (!this.listener) return;
    const { type, payload } = toPayload({ ...input, task_id: this.taskId } as TaskEvent);
    this.listener(type, payload);
  }

  /** The stream is over (finished, paused or disconnected); later events only reach the log. */
  detach(): void {
    try {
      this.flush();
    } finally {
      this.listener = null;
    }
  }
}
