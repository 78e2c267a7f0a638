import { useEffect, useState } from 'preact/hooks';
import { api, type TaskInfo } from '../api.js';

const SUGGESTIONS = ['What is in this folder?', 'Summarize the README', 'How much disk space is left?', 'Which packages can be upgraded?'];

interface Props {
  workspace: string;
  onSuggest(text: string): void;
  /** Opens the conversation of a task that waits for a decision. */
  onOpen(conversationId: string): void;
}

/** A new chat: a friendly start, and any task still waiting for the person (e.g. after a reload). */
export function EmptyState({ workspace, onSuggest, onOpen }: Props) {
  const [waiting, setWaiting] = useState<TaskInfo[]>([]);

  useEffect(() => {
    let live = true;
    api
      .waitingTasks()
      .then(({ tasks }) => live && setWaiting(tasks))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [workspace]);

  return (
    <div class="empty-state" data-testid="empty-state">
      <h1>What can ducklm do for you?</h1>
      <p class="muted">
        It works in <code class="workspace-path">{workspace}</code>, asks before anything risky, and remembers what matters.
      </p>
      <div class="suggestions">
        {SUGGESTIONS.map((text) => (
          <button key={text} type="button" onClick={() => onSuggest(text)}>
            {text}
          </button>
        ))}
      </div>
      {waiting.length > 0 && (
        <section class="waiting" aria-label="Waiting for you" data-testid="waiting-tasks">
          <h2>Waiting for you</h2>
          <ul>
            {waiting.map((task) => (
              <li key={task.task_id}>
                <button type="button" class="waiting-task" onClick={() => onOpen(task.conversation_id)}>
                  <span class="waiting-message">{task.message}</span>
                  <span class="muted small">{task.status === 'waiting_for_password' ? 'needs the sudo password' : 'needs your approval'}</span>
                  {task.workspace !== workspace && <span class="muted small">{task.workspace}</span>}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
