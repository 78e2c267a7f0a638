import { GenerationStatsView } from './generation-stats.js';
import { MarkdownView } from './markdown-view.js';
import { ReasoningPanel } from './reasoning-panel.js';
import { ToolTimeline, type TimelineActions } from './tool-timeline.js';
import { isTerminal, type Decision, type Turn } from './turn-model.js';

export interface TurnActions {
  canAct: boolean;
  onDecide(turn: Turn, approvalId: string, decision: Decision): void;
  onContinue(turn: Turn, approvalId: string): void;
  onOpenPassword(turn: Turn): void;
}

function TurnView({ turn, actions }: { turn: Turn; actions: TurnActions }) {
  const timelineActions: TimelineActions = {
    canAct: actions.canAct,
    onDecide: (approvalId, decision) => actions.onDecide(turn, approvalId, decision),
    onContinue: (approvalId) => actions.onContinue(turn, approvalId),
  };
  const finished = isTerminal(turn.status);
  const stopped = turn.status === 'cancelled';
  const reasoningLive = !finished && turn.stage?.stage === 'answering' && !turn.answer;
  const hasAssistant = turn.items.length > 0 || turn.reasoning || turn.answer || turn.error || turn.password || finished;
  return (
    <article class={`turn status-${turn.status}`} data-task-id={turn.taskId ?? undefined}>
      <div class="message user" data-testid="message-user">
        {turn.userText}
      </div>
      {hasAssistant && (
        <div class="message assistant" data-testid="message-assistant" data-status={turn.status}>
          {turn.items.length > 0 && <ToolTimeline items={turn.items} actions={timelineActions} />}
          {turn.reasoning && <ReasoningPanel id={turn.key} text={turn.reasoning} live={reasoningLive} />}
          {turn.answer && <MarkdownView text={turn.answer} />}
          {turn.password && turn.status === 'waiting_for_password' && (
            <p class="password-waiting">
              sudo is waiting for your password.{' '}
              <button type="button" class="primary" disabled={!actions.canAct} onClick={() => actions.onOpenPassword(turn)}>
                Enter password
              </button>
            </p>
          )}
          {turn.error && NO_MODEL.has(turn.error.code) && <SetupCard message={turn.error.message} />}
          {turn.error && !NO_MODEL.has(turn.error.code) && !(stopped && turn.error.code === 'cancelled') && (
            <p class="inline-error" role="alert" data-testid="turn-error">
              {turn.error.message}
            </p>
          )}
          {stopped && (
            <p class="muted stopped" data-testid="turn-stopped">
              Stopped.
            </p>
          )}
          {finished && turn.stats && turn.stats.model_calls > 0 && <GenerationStatsView stats={turn.stats} />}
          {turn.afterNotes.map((n) => (
            <p key={n.id} class="timeline-note after" title={n.detail}>
              {n.text}
              {n.detail && <span class="muted">: {n.detail}</span>}
            </p>
          ))}
        </div>
      )}
    </article>
  );
}

/**
 * The conversation. It is a polite live region that is busy while a stream runs, so that a
 * screen reader reads the finished answer instead of every token.
 */
export function MessageList({ turns, busy, actions }: { turns: Turn[]; busy: boolean; actions: TurnActions }) {
  return (
    <div class="messages" role="log" aria-live="polite" aria-busy={busy} aria-label="Conversation" data-testid="messages">
      {turns.map((turn) => (
        <TurnView key={turn.key} turn={turn} actions={actions} />
      ))}
    </div>
  );
}

/** Errors that mean there is no model to answer with: fixed in Settings, not by retyping. */
const NO_MODEL = new Set(['model_unavailable', 'model_not_found']);

/** Instead of a bare error: what is wrong with the model, and where to fix it. */
function SetupCard({ message }: { message: string }) {
  return (
    <div class="setup-card" role="alert" data-testid="setup-card">
      <p data-testid="turn-error">{message}</p>
      <p>
        <a class="button primary" href="#settings" data-testid="setup-open-settings">
          Choose a model in Settings
        </a>
      </p>
    </div>
  );
}
