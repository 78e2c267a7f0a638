import { DiffView } from './diff-view.js';
import { APPROVAL_KEYS, ariaShortcut } from './send-gate.js';
import type { TimelineActions } from './tool-timeline.js';
import { offerFor, type ApprovalItem, type Decision } from './turn-model.js';

const OUTCOME: Record<Exclude<ApprovalItem['state'], 'pending' | 'deciding'>, string> = {
  allowed: '✓ Allowed',
  allowed_always: '✓ Always allowed',
  denied: '✕ Denied',
  cancelled: 'Cancelled: the task was stopped before it ran',
};

/** The shortcut's letter on its button; the name read out stays the button's words (aria-keyshortcuts says the key). */
const Key = ({ decision }: { decision: Decision }) => (
  <kbd class="shortcut" aria-hidden="true">
    {APPROVAL_KEYS[decision].key.toUpperCase()}
  </kbd>
);

const commandOf = (item: ApprovalItem) => (typeof item.args.command === 'string' ? item.args.command : null);

/** Asks before a risky action: what will run, why, how risky; then shows what was decided. */
export function ApprovalCard({ item, actions }: { item: ApprovalItem; actions: TimelineActions }) {
  const command = commandOf(item);
  const pending = item.state === 'pending';
  // sudo is never covered by a rule, nor what the reason says gets none; the server refuses "always" for them.
  const always = offerFor(item);
  const disabled = !actions.canAct;
  return (
    <div class={`approval-card risk-${item.riskLevel} ${item.state}`} data-testid="approval-card" data-state={item.state} data-approval-id={item.id} role="group" aria-label="Approval" tabIndex={-1}>
      <div class="approval-head">
        <strong>{pending || item.state === 'deciding' ? 'ducklm asks before it runs this' : 'Asked before running'}</strong>
        <span class={`badge risk risk-${item.riskLevel}`} data-testid="approval-risk">
          {item.riskLevel} risk
        </span>
        <span class="badge action-type" data-testid="approval-action-type">
          {item.actionType.replace(/_/g, ' ')}
        </span>
      </div>
      <div class="approval-what">
        <span class="muted">{item.tool}</span>
        {item.diff !== undefined ? (
          <DiffView diff={item.diff} />
        ) : (
          <pre class="approval-command" data-testid="approval-command">
            {command ?? JSON.stringify(item.args, null, 2)}
          </pre>
        )}
      </div>
      <p class="approval-reason" data-testid="approval-reason">
        {item.reason}
      </p>
      {pending && (
        <div class="approval-actions">
          <button type="button" class="primary" disabled={disabled} aria-keyshortcuts={ariaShortcut('allow_once')} onClick={() => actions.onDecide(item.id, 'allow_once')}>
            Allow once <Key decision="allow_once" />
          </button>
          {always && (
            <button type="button" disabled={disabled} title={always.detail} aria-keyshortcuts={ariaShortcut('allow_always')} onClick={() => actions.onDecide(item.id, 'allow_always')}>
              {always.label} <Key decision="allow_always" />
            </button>
          )}
          <button type="button" class="danger" disabled={disabled} aria-keyshortcuts={ariaShortcut('deny')} onClick={() => actions.onDecide(item.id, 'deny')}>
            Deny <Key decision="deny" />
          </button>
        </div>
      )}
      {item.state === 'deciding' && <p class="muted">Sending your decision…</p>}
      {item.state !== 'pending' && item.state !== 'deciding' && (
        <p class={`approval-decision ${item.state}`} data-testid="approval-decision">
          {OUTCOME[item.state]}
          {item.resumable && (
            <>
              {' '}
              <span class="muted">— the task has not continued yet.</span>{' '}
              <button type="button" class="primary" disabled={disabled} onClick={() => actions.onContinue(item.id)}>
                Continue
              </button>
            </>
          )}
        </p>
      )}
      {item.error && (
        <p class="inline-error" role="alert">
          {item.error}
        </p>
      )}
    </div>
  );
}
