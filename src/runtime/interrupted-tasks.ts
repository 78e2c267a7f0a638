import type { RuntimeDeps } from './runtime-deps.js';
import { generationStats } from './generation-stats.js';

/**
 * Tasks left running by a process that stopped (a crash, `kill -9`, a power cut) can never finish.
 * Each ends as failed with an `interrupted` error in its log, in the same transaction as its row,
 * so the log and the task agree and its followers are told; the answer streamed so far is kept.
 */
export function endInterruptedTasks(deps: RuntimeDeps): void {
  const { store, taskLog } = deps;
  for (const task of store.tasks.running()) {
    const events = taskLog.read(task.id, 0);
    // The answer of the run that was cut: the deltas since its last resume.
    const resumes = events.flatMap((e, i) => (e.type === 'task_resumed' ? [i] : []));
    const answer = events
      .slice((resumes.at(-1) ?? -1) + 1)
      .filter((e) => e.type === 'content_delta')
      .map((e) => String(e.payload.delta))
      .join('');
    taskLog.transact(task.id, (append) => {
      if (answer) store.conversations.addMessage(task.conversation_id, task.id, 'assistant', answer, 'failed');
      append({ type: 'error', task_id: task.id, code: 'interrupted', message: 'ducklm stopped while this task was running; it could not finish. Ask again to retry.' });
      append({ type: 'done', task_id: task.id, conversation_id: task.conversation_id, status: 'failed', generation_stats: generationStats([], null, 0) });
      store.tasks.save(task.id, 'failed', task.state);
    });
  }
}
