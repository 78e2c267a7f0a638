import { CopyButton } from './copy-button.js';
import { EditBox } from './edit-box.js';
import { GenerationStatsView } from './generation-stats.js';
import { MarkdownView } from './markdown-view.js';
import { ReasoningPanel } from './reasoning-panel.js';
import { canEdit, canRetry, replaceNotice } from './replace-turns.js';
import { ToolTimeline, type TimelineActions } from './tool-timeline.js';
import { isTerminal, type Decision, type Turn } from './turn-model.js';

export interface TurnActions {
  canAct: boolean;
  onDecide(turn: Turn, approvalId: string, decision: Decision): void;
  onContinue(turn: Turn, approvalId: string): void;
  onOpenPassword(turn: Turn): void;
  /** Undoes a file change the turn made. */
  onUndo(turn: Turn, changeId: string): void;
  /**
   * Retry and edit send a message, so they follow the composer's rule (send-gate.ts): `hidden`
   * while a turn streams or the conversation loads, `closed` says why not while a person is asked.
   */
  replace: { hidden: boolean; closed: string | null };
  onRetry(turn: Turn): void;
  /** The one user message being edited, and its text so far. */
  edit: { key: string; text: string } | null;
  onEdit(turn: Turn): void;
  onEditInput(text: string): void;
  onEditSend(): void;
  onEditCancel(): void;
}

interface TurnViewProps {
  turn: Turn;
  actions: TurnActions;
  /** Offer Retry: the last turn, ended. */
  retry: boolean;
  /** When this message is edited: what sending takes away beyond its answer. */
  notice: string | null;
}

/** Retry or Edit: disabled, with the reason as its tooltip, while a person is asked something (`closed`). */
function ReplaceButton({ label, closed, title, onClick, testId }: { label: string; closed: string | null; title: string; onClick(): void; testId: string }) {
  return (
    <button type="button" class="message-action" disabled={Boolean(closed)} title={closed ?? title} onClick={onClick} data-testid={testId}>
      {label}
    </button>
  );
}

function TurnView({ turn, actions, retry, notice }: TurnViewProps) {
  const timelineActions: TimelineActions = {
    canAct: actions.canAct,
    onDecide: (approvalId, decision) => actions.onDecide(turn, approvalId, decision),
    onContinue: (approvalId) => actions.onContinue(turn, approvalId),
    onUndo: (changeId) => actions.onUndo(turn, changeId),
  };
  const finished = isTerminal(turn.status);
  const stopped = turn.status === 'cancelled';
  const reasoningLive = !finished && turn.stage?.stage === 'answering' && !turn.answer;
  const hasAssistant = turn.items.length > 0 || turn.reasoning || turn.answer || turn.error || turn.password || finished;
  const { replace, edit } = actions;
  const editing = edit?.key === turn.key;
  return (
    <article class={`turn status-${turn.status}`} data-task-id={turn.taskId ?? undefined}>
      {editing ? (
        <EditBox text={edit.text} notice={notice} closed={replace.closed} onInput={actions.onEditInput} onSend={actions.onEditSend} onCancel={actions.onEditCancel} />
      ) : (
        <div class="user-side">
          <div class="message user" data-testid="message-user">
            {turn.userText}
          </div>
          <div class="message-actions">
            <CopyButton text={turn.userText} what="your message" testId="copy-message" />
            {canEdit(turn) && !replace.hidden && (
              <ReplaceButton label="Edit" closed={replace.closed} title="Change this message and send it again in its place" onClick={() => actions.onEdit(turn)} testId="edit-message" />
            )}
          </div>
        </div>
      )}
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
          {finished && (turn.answer || (retry && !replace.hidden)) && (
            <div class="message-actions">
              {turn.answer && <CopyButton text={turn.answer} what="the answer" testId="copy-answer" />}
              {retry && !replace.hidden && (
                <ReplaceButton label="Retry" closed={replace.closed} title="Ask the same again; the new answer takes this one's place" onClick={() => actions.onRetry(turn)} testId="retry" />
              )}
            </div>
          )}
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
        <TurnView
          key={turn.key}
          turn={turn}
          actions={actions}
          retry={canRetry(turn, turns)}
          notice={actions.edit?.key === turn.key ? replaceNotice(turns, turn.key) : null}
        />
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
