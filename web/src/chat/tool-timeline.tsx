import { EDIT_TOOLS } from '../../../src/tools/always-offer.js';
import { ruleScope } from '../../../src/tools/rule-pattern-text.js';
import { ApprovalCard } from './approval-card.js';
import { FileChangeRow } from './file-change-row.js';
import type { Decision, NoteItem, RuleNote, TimelineItem, ToolCallItem } from './turn-model.js';

/** What a call was given, as a person would type it: the command line, else compact JSON. */
export function argsText(args: Record<string, unknown>): string {
  if (typeof args.command === 'string') return args.command;
  const entries = Object.entries(args);
  if (entries.length === 1 && typeof entries[0]![1] === 'string') return entries[0]![1];
  return JSON.stringify(args);
}

const SHORT_OUTPUT_LINES = 12;

/** The call's line: a command as typed; a file write or edit, its path (the change below shows the rest). */
function callText(item: ToolCallItem): string {
  if (typeof item.args.command === 'string') return `$ ${item.args.command}`;
  if (EDIT_TOOLS.has(item.tool) && typeof item.args.path === 'string') return item.args.path;
  return argsText(item.args);
}

/** Which of the person's rules let a call run unasked, in their words: "always allow `ls -la` in this workspace", as the rules list shows it. */
function RuleLine({ rule }: { rule: RuleNote }) {
  const { before, pattern, after } = ruleScope(rule);
  return (
    <p class="tool-rule muted" data-testid="tool-rule" title={`Rule ${rule.rule_id} for ${rule.workspace}; it can be removed under Audit, Rules`}>
      Ran without asking, under your rule: always allow {before}
      <code>{pattern}</code>
      {after}
    </p>
  );
}

function ToolCall({ item }: { item: ToolCallItem }) {
  const lines = item.output ? item.output.split('\n').length : 0;
  // Short outputs and failures are shown at once; long ones wait for a click.
  const openAtFirst = item.state === 'failed' || lines <= SHORT_OUTPUT_LINES;
  const badge = { running: 'running', ok: 'ok', failed: 'failed' }[item.state];
  return (
    <div class={`tool-call ${item.state}`} data-testid="tool-call" data-state={item.state}>
      <div class="tool-head">
        <span class="tool-name">{item.tool}</span>
        <code class="tool-args">{callText(item)}</code>
        <span class={`badge state-${item.state}`}>
          {item.state === 'running' && <span class="spinner small" aria-hidden="true" />}
          {badge}
        </span>
        {item.truncated && (
          <span class="badge warn" title="The output was cut off">
            truncated
          </span>
        )}
      </div>
      {item.rule && <RuleLine rule={item.rule} />}
      {item.output && (
        <details class="tool-output" open={openAtFirst}>
          <summary>
            Output <span class="muted">({lines} {lines === 1 ? 'line' : 'lines'})</span>
          </summary>
          <pre data-testid="tool-output">{item.output}</pre>
        </details>
      )}
    </div>
  );
}

function Note({ item }: { item: NoteItem }) {
  return (
    <p class={`timeline-note ${item.tone}`} title={item.detail}>
      {item.text}
      {item.detail && item.tone !== 'info' && <span class="muted">: {item.detail}</span>}
    </p>
  );
}

export interface TimelineActions {
  /** Decisions may be sent (no other stream is running). */
  canAct: boolean;
  onDecide(approvalId: string, decision: Decision): void;
  onContinue(approvalId: string): void;
  /** Undoes an applied file change (any time, even while another task runs). */
  onUndo(changeId: string): void;
}

/** A turn's tool calls, approvals and notes, in the order they happened. */
export function ToolTimeline({ items, actions }: { items: TimelineItem[]; actions: TimelineActions }) {
  return (
    <ol class="timeline" aria-label="What ducklm did">
      {items.map((item) => (
        <li key={`${item.kind}-${item.id}`}>
          {item.kind === 'tool' && <ToolCall item={item} />}
          {item.kind === 'approval' && <ApprovalCard item={item} actions={actions} />}
          {item.kind === 'note' && <Note item={item} />}
          {item.kind === 'change' && <FileChangeRow item={item} onUndo={actions.onUndo} />}
        </li>
      ))}
    </ol>
  );
}
