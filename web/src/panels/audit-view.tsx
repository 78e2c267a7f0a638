import { useState } from 'preact/hooks';
import { api, type AuditEntry } from '../api.js';
import { durationText, fullTime, matches, relativeTime } from './format.js';
import { LoadError } from './panel-error.js';
import { RulesList } from './rules-list.js';
import { FilterSelect, SearchField } from './toolbar.js';
import { useLoad } from './use-load.js';
import './panels.css';

const OUTCOMES = ['ran', 'denied', 'failed_to_start', 'timed_out', 'cancelled'] as const;
type Outcome = (typeof OUTCOMES)[number];
const OUTCOME_LABELS: Record<string, string> = { ran: 'ran', denied: 'denied', failed_to_start: 'failed to start', timed_out: 'timed out', cancelled: 'cancelled' };
const APPROVER_LABELS: Record<string, string> = { person: 'you', rule: 'a rule', automatic: 'automatic (safe)', none: 'nobody' };
const LIMIT = 500;

/** Every shell command ducklm ran or refused, newest first, and the rules that skip asking. */
export function AuditView() {
  const [filter, setFilter] = useState('');
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const audit = useLoad(() => api.audit(LIMIT), []);
  const rows = audit.data ?? [];
  const shown = rows.filter((row) => (!outcome || row.payload.outcome === outcome) && matches(filter, row.payload.command, row.payload.action_type, row.task_id));

  return (
    <section class="panel audit" data-testid="audit-view" aria-labelledby="audit-heading">
      <header class="panel-head">
        <h1 id="audit-heading">Command audit</h1>
        <button type="button" onClick={audit.reload} disabled={audit.loading} data-testid="audit-refresh">
          {audit.loading && audit.data ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      <p class="muted panel-intro">Every shell command ducklm ran or refused, who approved it and how it ended. Secrets are redacted; sudo passwords are never kept.</p>
      <div class="panel-toolbar" role="search">
        <SearchField label="Filter commands" value={filter} onInput={setFilter} testId="audit-filter" />
        <FilterSelect label="Outcome" any="any outcome" options={OUTCOMES} labels={OUTCOME_LABELS} value={outcome} onChange={setOutcome} testId="audit-outcome" />
      </div>
      <LoadError what="the audit" error={audit.error} onRetry={audit.reload} />
      {audit.loading && !audit.data && <p class="muted">Loading the audit…</p>}
      {audit.data && !rows.length && <p class="panel-empty" data-testid="audit-empty">No command has run yet.</p>}
      {rows.length > 0 && !shown.length && <p class="panel-empty">No command matches this filter.</p>}
      {shown.length > 0 && (
        <div class="audit-scroll" aria-busy={audit.loading}>
          <table class="audit-table">
            <caption class="visually-hidden">Commands, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Command</th>
                <th scope="col">Risk</th>
                <th scope="col">Action</th>
                <th scope="col">Approved by</th>
                <th scope="col">Outcome</th>
                <th scope="col">Exit</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <AuditRow key={`${row.task_id}:${row.seq}`} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {audit.data && rows.length >= LIMIT && <p class="muted">Showing the newest {LIMIT} commands.</p>}
      <RulesList />
    </section>
  );
}

function AuditRow({ row }: { row: AuditEntry }) {
  const p = row.payload;
  const result = p.outcome ?? 'unknown';
  return (
    <tr data-testid="audit-row" class={`outcome-${result}`}>
      <td data-label="Time">
        <time dateTime={row.created_at} title={fullTime(row.created_at)}>
          {relativeTime(row.created_at)}
        </time>
      </td>
      <td data-label="Command" class="command-cell">
        <code data-testid="audit-command">{p.command ?? '—'}</code>
        {p.sudo && (
          <span class="panel-tag sudo" title="Ran with sudo">
            sudo
          </span>
        )}
      </td>
      <td data-label="Risk">
        <span class={`panel-tag risk risk-${p.risk_level ?? 'unknown'}`}>{p.risk_level ?? '?'}</span>
      </td>
      <td data-label="Action">{p.action_type?.replaceAll('_', ' ') ?? '—'}</td>
      <td data-label="Approved by" data-testid="audit-approved-by" data-value={p.approved_by ?? ''} title={p.rule_id ? `rule ${p.rule_id}` : undefined}>
        {p.approved_by ? APPROVER_LABELS[p.approved_by] : p.approved ? 'approved' : 'not approved'}
      </td>
      <td data-label="Outcome" data-testid="audit-outcome-cell" data-value={result}>
        <span class={`panel-tag outcome outcome-${result}`}>{OUTCOME_LABELS[result] ?? result}</span>
      </td>
      <td data-label="Exit" class="num">
        {p.exit_code ?? '—'}
      </td>
      <td data-label="Duration" class="num">
        {durationText(p.duration_ms)}
      </td>
    </tr>
  );
}
