import { patternText } from '../../../src/tools/rule-pattern-text.js';
import { api, type Rule } from '../api.js';
import { baseName, fullTime, relativeTime } from './format.js';
import { ErrorLine, LoadError } from './panel-error.js';
import { useAction } from './use-action.js';
import { useLoad } from './use-load.js';

/** The "Always allow" rules a person created from approvals, each revocable. */
export function RulesList() {
  const rules = useLoad(() => api.rules(), []);
  const list = rules.data ?? [];
  return (
    <section class="rules-section" aria-labelledby="rules-heading" data-testid="rules">
      <header class="panel-head">
        <h2 id="rules-heading">Always allow</h2>
      </header>
      <p class="muted">Commands, folders, file edits and tool calls you chose to always allow in a workspace: ducklm runs these without asking. Revoke one to be asked again.</p>
      <LoadError what="the rules" error={rules.error} onRetry={rules.reload} />
      {rules.loading && !rules.data && <p class="muted">Loading rules…</p>}
      {rules.data && !list.length && <p class="panel-empty" data-testid="rules-empty">No rules: ducklm asks before anything that is not known to be safe.</p>}
      <ul class="panel-list">
        {list.map((rule) => (
          <RuleItem key={rule.id} rule={rule} onRevoked={(id) => rules.mutate((all) => all.filter((r) => r.id !== id))} />
        ))}
      </ul>
    </section>
  );
}

function RuleItem({ rule, onRevoked }: { rule: Rule; onRevoked(id: string): void }) {
  // No confirmation: revoking only means being asked again, never a loss.
  const revoke = useAction(async () => {
    await api.deleteRule(rule.id);
    onRevoked(rule.id);
  });
  return (
    <li class="rule-item panel-card" data-testid="rule-item" data-id={rule.id}>
      <div class="rule-main">
        <span class="panel-tag">{KIND_LABELS[rule.kind]}</span>
        <code class="rule-pattern" title={KIND_TITLES[rule.kind]}>
          {patternText(rule)}
        </code>
      </div>
      <div class="rule-meta muted">
        <span>{TOOL_LABELS[rule.tool] ?? rule.tool}</span>
        <span title={rule.workspace}>in {baseName(rule.workspace)}</span>
        <time dateTime={rule.created_at} title={fullTime(rule.created_at)}>
          since {relativeTime(rule.created_at)}
        </time>
      </div>
      <button type="button" class="danger" disabled={revoke.busy} onClick={() => revoke.run()} aria-label={`Revoke the rule for ${rule.pattern}`}>
        Revoke
      </button>
      <ErrorLine error={revoke.error} />
    </li>
  );
}

const TOOL_LABELS: Record<string, string> = { shell_exec_safe: 'shell command', file_read: 'reading files', list_dir: 'listing folders', file_write: 'writing files', file_edit: 'editing files' };

const KIND_LABELS: Record<Rule['kind'], string> = { command: 'command', path: 'folder', edits: 'edits', call: 'tool call' };

const KIND_TITLES: Record<Rule['kind'], string> = {
  command: 'Exactly this command, with these arguments',
  path: 'This folder (what the approval card said)',
  edits: 'Writing and editing files anywhere in this workspace',
  call: 'This tool with exactly these arguments',
};

