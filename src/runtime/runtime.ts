import { ConflictError, InterruptedError, NotFoundError } from '../errors.js';
import { mergeLessonCopies } from '../memory/lessons.js';
import type { Approval } from '../store/approvals-repo.js';
import { allowAlways } from './allow-always.js';
import { undoFileChange } from './undo-file-change.js';
import { ConversationWatch } from './conversation-watch.js';
import { driveTask } from './driver.js';
import { generationStats } from './generation-stats.js';
import { endInterruptedTasks } from './interrupted-tasks.js';
import { prepareContinue, preparePassword } from './resume-task.js';
import type { RuntimeDeps } from './runtime-deps.js';
import { prepareTask, type ChatRequest, type PreparedRun } from './start-task.js';

/** What `cancel` did: stopped a run in flight, or ended a task that was paused. */
export type CancelOutcome = 'stopping' | 'cancelled';

/** A run that started: followers read its task's log from after `after`. */
export interface StartedRun {
  taskId: string;
  conversationId: string;
  after: number;
}

/** Which client a person used for a decision or a Stop ("web", "terminal"), kept in the task log. */
export type Via = string | undefined;

/**
 * The agent's entry points; knows nothing of HTTP, so the CLI and tests use it the same way.
 * A run belongs to no client: it goes on whoever follows it, until it ends or a person stops it.
 */
export class Runtime {
  /** Runs in flight by task id, so that a person can stop one from anywhere (another tab, the CLI). */
  private readonly inflight = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(readonly deps: RuntimeDeps) {
    // Tasks that were mid-run when the last process stopped can never finish; paused ones can.
    endInterruptedTasks(deps);
    // Copies of one lesson that reflection stored before lessons were confirmed become one.
    mergeLessonCopies(deps.store.experience);
  }

  /** Clients showing a conversation hear of each task started in it. */
  readonly conversations = new ConversationWatch();

  async startTask(request: ChatRequest): Promise<StartedRun> {
    const run = this.launch(await prepareTask(this.deps, request));
    this.conversations.tell({
      type: 'task_started',
      conversation_id: run.conversationId,
      task_id: run.taskId,
      message: request.message,
      ...(request.replaces ? { replaces: request.replaces } : {}),
    });
    return run;
  }

  continueTask(taskId: string, approvalId: string): StartedRun {
    return this.launch(prepareContinue(this.deps, taskId, approvalId));
  }

  providePassword(taskId: string, approvalId: string, password: string): StartedRun {
    return this.launch(preparePassword(this.deps, taskId, approvalId, password));
  }

  /** A person's decision on an approval, recorded in its task's log with the approval's new state. */
  decide(approvalId: string, decision: 'allow_once' | 'deny', via: Via): Approval {
    const { approvals } = this.deps.store;
    const approval = approvals.get(approvalId);
    if (!approval) throw new NotFoundError(`Unknown approval: ${approvalId}`);
    this.deps.taskLog.transact(approval.task_id, (append) => {
      if (!approvals.transition(approvalId, 'pending', decision === 'deny' ? 'denied' : 'allowed')) {
        throw new ConflictError(`Approval ${approvalId} was already decided (${approvals.get(approvalId)?.status ?? approval.status}).`);
      }
      append({ type: 'approval_decided', task_id: approval.task_id, approval_id: approvalId, decision, decided_by: 'person', ...(via ? { via } : {}) });
    });
    return approvals.get(approvalId)!;
  }

  allowAlways(approvalId: string, via: Via) {
    return allowAlways(this.deps, approvalId, via);
  }

  /** A person's undo of a file write or edit (see undo-file-change.ts). */
  undoFileChange(changeId: string, via: Via) {
    return undoFileChange(this.deps, changeId, via);
  }

  /**
   * Stops a task: a running one is aborted (its model request and command end, and it finishes
   * as `cancelled`); a paused one is ended here, its pending approval denied, in one transaction.
   */
  cancel(taskId: string, via: Via): CancelOutcome {
    const { store, taskLog } = this.deps;
    const task = store.tasks.get(taskId);
    if (!task) throw new NotFoundError(`Unknown task: ${taskId}`);
    // Stopping twice is harmless.
    if (task.status === 'cancelled') return 'cancelled';
    const running = this.inflight.get(taskId);
    if (running) {
      if (!running.controller.signal.aborted) {
        taskLog.append({ type: 'cancel_requested', task_id: taskId, ...(via ? { via } : {}) });
        running.controller.abort(new Error('cancelled by the person'));
      }
      return 'stopping';
    }
    const ended = taskLog.transact(taskId, (append) => {
      const pending = store.approvals.latestOf(taskId);
      if (!store.tasks.cancelPaused(taskId)) return false;
      append({ type: 'cancel_requested', task_id: taskId, ...(via ? { via } : {}) });
      if (pending?.status === 'pending' && store.approvals.transition(pending.approval_id, 'pending', 'denied')) {
        append({ type: 'approval_decided', task_id: taskId, approval_id: pending.approval_id, decision: 'deny', decided_by: 'cancellation', ...(via ? { via } : {}) });
      }
      append({ type: 'done', task_id: taskId, conversation_id: task.conversation_id, status: 'cancelled', generation_stats: generationStats([], null, 0) });
      return true;
    });
    if (!ended) throw new ConflictError(`Task ${taskId} is ${task.status}; there is nothing to stop.`);
    return 'cancelled';
  }

  /** Resolves when memory policy and reflection of finished tasks are done. */
  idle(): Promise<void> {
    return this.deps.background.idle();
  }

  /** The server is stopping: every run in flight ends now, as interrupted, and is saved so. */
  async shutdown(): Promise<void> {
    const runs = [...this.inflight.values()];
    for (const run of runs) run.controller.abort(new InterruptedError('The server stopped while the task was running.'));
    await Promise.all(runs.map((run) => run.done));
  }

  private launch(prepared: PreparedRun): StartedRun {
    const { taskId, conversationId, after } = prepared;
    const controller = new AbortController();
    const release = this.deps.taskLog.hold(taskId);
    // On a later turn of the event loop: whoever asked for the run follows it first, so that even
    // its very first event (or the news that the database failed under it) reaches them live.
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => driveTask(this.deps, prepared, controller.signal))
      .catch((error: unknown) => this.deps.log(`task ${taskId} ended badly: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
      this.inflight.delete(taskId);
      try {
        release();
      } catch (error) {
        this.deps.log(`task ${taskId}: its last events could not be recorded: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    this.inflight.set(taskId, { controller, done });
    return { taskId, conversationId, after };
  }
}
