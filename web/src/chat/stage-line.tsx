import { isPaused, isTerminal, type Turn } from './turn-model.js';

const clip = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** What the task is doing now, in words a person reads at a glance. */
export function stageText(turn: Turn): string {
  if (turn.status === 'sending') return 'Sending…';
  if (turn.stopping) return 'Stopping…';
  if (turn.status === 'waiting_for_approval') return 'Waiting for your approval';
  if (turn.status === 'waiting_for_password') return 'Waiting for the sudo password';
  const stage = turn.stage;
  if (!stage) return 'Working…';
  switch (stage.stage) {
    case 'planning':
      return 'Planning…';
    case 'recalling':
      return 'Recalling memories…';
    case 'running_tool':
      return `Running ${clip(stage.detail ?? 'a tool')}…`;
    case 'answering':
      return turn.answer ? 'Writing the answer…' : turn.reasoning ? 'Thinking…' : 'Answering…';
    case 'waiting_for_approval':
      return 'Waiting for your approval';
    case 'waiting_for_password':
      return 'Waiting for the sudo password';
  }
}

/**
 * The status line above the composer: always in view during a turn, announced politely to
 * screen readers. The region stays mounted so that changes to it are heard. `reconnecting`: the
 * task's stream dropped and is being resumed where it stopped; said quietly, nothing is lost.
 */
export function StageLine({ turn, remote, reconnecting }: { turn: Turn | undefined; remote: boolean; reconnecting: boolean }) {
  const live = turn && !isTerminal(turn.status);
  const waiting = live && isPaused(turn.status);
  return (
    <div class={`stage-line${live ? ' active' : ''}${waiting ? ' waiting' : ''}`} role="status" data-testid="stage">
      {live && (
        <>
          {waiting ? <span class="stage-dot" aria-hidden="true" /> : <span class="spinner" aria-hidden="true" />}
          <span class="stage-text">{stageText(turn)}</span>
          {remote && <span class="muted stage-remote"> (started earlier; following it)</span>}
          {reconnecting && (
            <span class="muted stage-reconnecting" data-testid="stage-reconnecting">
              {' '}
              reconnecting…
            </span>
          )}
        </>
      )}
    </div>
  );
}
