import type { StoredMessage } from '../store/conversations-repo.js';
import type { RuntimeDeps } from './runtime-deps.js';
import type { TaskEmitter } from './task-emitter.js';
import type { TaskState } from './task-state.js';

/** One task's run: passed through every phase instead of living in module state. */
export interface TaskContext {
  deps: RuntimeDeps;
  taskId: string;
  state: TaskState;
  emitter: TaskEmitter;
  signal: AbortSignal;
  /** When this run (start or resume) began, for time to first token. */
  startedAt: number;
  /** Set by the thinker at its first delta. */
  firstTokenAt: number | null;
  /** The answer streamed so far, kept if the task fails or is cancelled midway. */
  answer: string;
  /** Earlier turns of the conversation, loaded once per run (see turnHistory). */
  history?: StoredMessage[];
  /** Set once this run has started its lazily started tools (see tool-servers.ts). */
  toolsPrepared?: boolean;
}

/** The conversation before this task, read once and shared by every role of the run. */
export function turnHistory(ctx: TaskContext): StoredMessage[] {
  ctx.history ??= ctx.deps.store.conversations
    .history(ctx.state.conversationId, ctx.deps.limits.historyMessages + 1)
    .filter((m) => m.task_id !== ctx.taskId);
  return ctx.history;
}
