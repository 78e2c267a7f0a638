import type { TaskEvent, TaskEventInput } from '../events/task-event.js';
import type { TaskLog } from './task-log.js';

/** What a phase appends with: a task's events, built without their task id. */
export type Append = (input: TaskEventInput) => number;

/** One task's handle on the task log; phases emit through it and never see other tasks. */
export class TaskEmitter {
  constructor(
    private readonly log: TaskLog,
    readonly taskId: string,
  ) {}

  emit(input: TaskEventInput): number {
    return this.log.append(this.event(input));
  }

  /** A change of the task's rows and the events that record it, in one transaction. */
  transact<T>(body: (append: Append) => T): T {
    return this.log.transact(this.taskId, (append) => body((input) => append(this.event(input))));
  }

  /** Writes out a run of deltas still held back. */
  flush(): void {
    this.log.flush(this.taskId);
  }

  /**
   * Only to the followers, not the log: for the last events of a task whose event log has failed
   * (a full disk, a locked database), so that its clients still see how it ended.
   */
  tell(input: TaskEventInput): void {
    this.log.announce(this.event(input));
  }

  private event(input: TaskEventInput): TaskEvent {
    return { ...input, task_id: this.taskId } as TaskEvent;
  }
}
