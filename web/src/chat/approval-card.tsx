import type { TimelineActions } from './tool-timeline.js';
import type { ApprovalItem } from './turn-model.js';

const OUTCOME: Record<Exclude<ApprovalItem['state'], 'pending' | 'deciding'>, string> = {
  allowed: '✓ Allowed',
  allowed_always: '✓ Always allowed',
  denied: '✕ Denied',
  cancelled: 'Cancelled: the task was stopped before it ran',
};

const commandOf = (item: ApprovalItem) => (typeof item.args.command === 'string' ? item.args.command : null);

/** Asks before a risky action: what will run, why, how risky; then shows what was decided. */
export function ApprovalCard({ item, actions }: { item: ApprovalItem; actions: TimelineActions }) {
  const command = commandOf(item);
  const pending = item.state === 'pending';
  // sudo is never covered by a rule; the server refuses "always" for it.
  const canAlways = !item.needsPassword;
  const disabled = !actions.canAct;
  return (
    <div class={`approval-card risk-${item.riskLevel} ${item.state}`} data-testid="approval-card" data-state={item.state} role="group" aria-label="Approval">
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
        <pre class="approval-command" data-testid="approval-command">
          {command ?? JSON.stringify(item.args, null, 2)}
        </pre>
      </div>
      <p class="approval-reason" data-testid="approval-reason">
        {item.reason}
      </p>
      {pending && (
        <div class="approval-actions">
          <button type="button" class="primary" disabled={disabled} onClick={() => actions.onDecide(item.id, 'allow_once')}>
            Allow once
          </button>
          {canAlways && (
            <button type="button" disabled={disabled} title="Allow this exact command in this workspace from now on" onClick={() => actions.onDecide(item.id, 'allow_always')}>
              Always allow
            </button>
          )}
          <button type="button" class="danger" disabled={disabled} onClick={() => actions.onDecide(item.id, 'deny')}>
            Deny
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
