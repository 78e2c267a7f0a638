import type { GenerationStats, TaskEvent } from '../events/task-event.js';
import { AnswerWriter, type MarkdownRenderer } from './answer-writer.js';
import { shownPath } from '../tools/diff-lines.js';
import { inert } from './inert.js';
import { ruleNote } from './rule-note.js';
import type { TextOut } from './text-out.js';

export interface RenderTargets {
  /** Where content deltas go (stdout). */
  answer: TextOut;
  /** Stages, tool lines, notices, errors. */
  info: TextOut;
  /** Where reasoning goes, dimmed; null hides it. */
  reasoning: TextOut | null;
  /** Show tokens and speed after a completed answer. */
  stats: boolean;
  /** Renders the answer's markdown where `answer` is a styled terminal; without it the answer is shown as written. */
  markdown?: MarkdownRenderer;
  /** How to take back an applied file change from here, said after it ("/undo to take it back"). */
  undoHint?: string;
}

const STAGE_LABELS: Partial<Record<string, string>> = {
  planning: 'planning',
  recalling: 'recalling memories',
  answering: 'answering',
};

const OUTPUT_LINES = 6;
const OUTPUT_LINE_CHARS = 200;

// running_tool has no stage label: the tool's own line says it, as a pause's prompt does for waiting_*.
const DECISIONS = { allow_once: 'allowed once', allow_always: 'always allowed', deny: 'denied' } as const;

/**
 * Turns a task's events into terminal text. Approval and password requests are left to the
 * caller, which has to ask the person; everything else is shown here. Every string that comes
 * from an event passes through `inert` before our styling is added around it.
 */
export class EventRenderer {
  private block: 'none' | 'reasoning' | 'content' = 'none';
  private readonly answerText: AnswerWriter;

  constructor(private readonly out: RenderTargets) {
    this.answerText = new AnswerWriter(out.answer, out.markdown);
  }

  render(event: TaskEvent): void {
    const { info } = this.out;
    const { dim, red, green, yellow, cyan, bold } = info.style;
    switch (event.type) {
      case 'runtime_status': {
        const label = STAGE_LABELS[event.stage];
        if (label && this.block === 'none') info.status(`… ${label}`);
        return;
      }
      case 'reasoning_delta':
        return this.reasoning(event.delta);
      case 'content_delta':
        return this.content(event.delta);
      case 'skill_activated':
        return this.notice(dim(`using the skill ${inert(event.skill)}`));
      case 'recall_completed': {
        // The judge may stop at its route, before naming memories: the answer then had all candidates.
        const recalled = event.relevant_memory_ids.length || event.candidates;
        if (recalled) this.notice(dim(`recalled ${plural(recalled, 'memory', 'memories')}`));
        return;
      }
      case 'reply_cut':
        return this.notice(yellow(event.role === 'thinker' ? 'the answer was cut off at its length limit' : `the model's ${event.role} reply was cut off at its length limit`));
      case 'recall_failed':
        return this.notice(yellow(`recall failed: ${inert(event.message)}`));
      case 'experience_applied':
        return this.notice(dim(`using ${plural(event.lessons.length, 'lesson')} from earlier tasks`));
      case 'action_step_limit':
        return this.notice(yellow(`stopped acting after ${plural(event.steps, 'step')}`));
      case 'tool_server_unavailable':
        return this.notice(yellow(`the tool server ${inert(event.server)} is unavailable: ${inert(event.message)}`));
      case 'tool_call_started':
        this.notice(`${cyan('▸')} ${bold(inert(event.tool))}: ${describeAction(event.args)}`);
        if (event.approved_by_rule) info.line(`  ${dim(ruleNote(event.approved_by_rule))}`);
        info.status('  … running', { terminalOnly: true });
        return;
      case 'tool_call_finished': {
        const { exitCode, output } = splitExitCode(event.output);
        // "exit_code: none (timed out)": the note in brackets says it better than "none".
        const note = !exitCode || exitCode === '0' ? '' : inert(exitCode.startsWith('none') ? exitCode.slice('none'.length) : ` (exit ${exitCode})`);
        this.notice(event.ok ? `  ${green('✓ done')}` : `  ${red(`✗ failed${note}`)}`);
        for (const line of outputPreview(output, event.truncated)) info.line(`    ${dim(line)}`);
        return;
      }
      case 'file_changed': {
        const hint = this.out.undoHint ? dim(` — ${this.out.undoHint}`) : '';
        return this.notice(`  ${green('✎')} ${event.created ? 'created' : 'edited'} ${bold(inert(shownPath(event)))}${hint}`);
      }
      case 'file_change_undone':
        return this.notice(dim(`undid the change to ${inert(event.path)}${event.via ? ` (${inert(event.via)})` : ''}`));
      case 'tool_denied':
        return this.notice(`  ${yellow('✗ denied')}: ${describeAction(event.args)}`);
      case 'approval_decided': {
        // Who decided, and on which client: a replay, or another client deciding while this one follows.
        const what = event.decided_by === 'cancellation' ? 'denied by cancellation' : DECISIONS[event.decision];
        return this.notice(dim(`${what}${event.via ? ` (${inert(event.via)})` : ''}`));
      }
      case 'password_attempt':
        return this.notice(dim(event.accepted ? 'sudo accepted the password' : 'sudo did not accept the password'));
      case 'cancel_requested':
        return this.notice(dim(`stop requested${event.via ? ` (${inert(event.via)})` : ''}`));
      case 'memory_stored':
        return this.notice(dim(`remembered: ${inert(event.text)}`));
      case 'error':
        // The one who stopped it knows; the caller says "stopped".
        if (event.code !== 'cancelled') this.notice(red(`✗ ${inert(event.message)}`));
        return;
      case 'done':
        this.answerText.flush();
        this.out.answer.endLine();
        this.out.reasoning?.endLine();
        if (event.status === 'completed' && this.out.stats) info.line(dim(formatStats(event.generation_stats)));
        this.block = 'none';
        return;
      default:
        return;
    }
  }

  /** The stream broke mid-task: said beside the answer, without breaking its line. */
  connectionLost(reason: string): void {
    this.out.info.aside(`⟳ ${inert(reason)}; reconnecting…`);
  }

  /** Following again: the note goes, and the answer goes on where it stopped. */
  connectionBack(): void {
    this.out.info.clearStatus();
  }

  /** Ends whatever line is open, before the caller writes a prompt or a notice. */
  endLine(): void {
    this.answerText.flush();
    this.out.answer.endLine();
    this.out.info.endLine();
  }

  private notice(text: string): void {
    this.block = 'none';
    this.answerText.flush();
    this.out.answer.endLine();
    this.out.info.line(text);
  }

  private reasoning(delta: string): void {
    const out = this.out.reasoning;
    if (!out) return;
    if (this.block !== 'reasoning') {
      this.answerText.flush();
      out.endLine();
      // Without colour nothing would set it apart from the answer.
      if (!out.style.enabled) out.write('thinking: ');
      this.block = 'reasoning';
    }
    out.write(out.style.dim(inert(delta, { multiline: true })));
  }

  private content(delta: string): void {
    const { answer, reasoning } = this.out;
    if (this.block === 'reasoning' && reasoning) {
      reasoning.endLine();
      // A blank line between the thinking and the answer, where both share a screen.
      if (reasoning.stream === answer.stream) answer.write('\n');
    } else if (this.block !== 'content') {
      answer.clearStatus();
    }
    this.block = 'content';
    this.answerText.write(delta);
  }
}

/**
 * What an action does, in a few words: the command, the path, or the arguments; inert, on one
 * line. The command is shown whole and byte for byte (every control character as an escape), as
 * the shell will get it: what the person approves is what runs.
 */
export function describeAction(args: Record<string, unknown>): string {
  if (typeof args.command === 'string') return inert(args.command);
  if (typeof args.path === 'string') return inert(args.path);
  const json = inert(JSON.stringify(args) ?? String(args));
  return json.length > OUTPUT_LINE_CHARS ? `${json.slice(0, OUTPUT_LINE_CHARS)}…` : json;
}

/** A command's output starts with `exit_code: N`, which the ✓ or ✗ line already says. */
function splitExitCode(output: string): { exitCode: string | null; output: string } {
  const match = /^exit_code: ([^\n]*)\n?/.exec(output);
  return match ? { exitCode: match[1]!, output: output.slice(match[0].length) } : { exitCode: null, output };
}

/** The first lines of a tool's output, each inert (a tab stays a tab). */
export function outputPreview(output: string, truncated: boolean): string[] {
  const lines = output
    .replace(/\s+$/, '')
    .split('\n')
    .map((line) => inert(line, { multiline: true }));
  if (lines.length === 1 && lines[0] === '') return ['(no output)'];
  const shown = lines.slice(0, OUTPUT_LINES).map((line) => (line.length > OUTPUT_LINE_CHARS ? `${line.slice(0, OUTPUT_LINE_CHARS)}…` : line));
  const hidden = lines.length - shown.length;
  if (hidden > 0) shown.push(`… ${plural(hidden, 'more line')}${truncated ? ' (output cut)' : ''}`);
  else if (truncated) shown.push('… (output cut)');
  return shown;
}

export function formatStats(stats: GenerationStats): string {
  const parts = [];
  if (stats.completion_tokens > 0) parts.push(plural(stats.completion_tokens, 'token'));
  if (stats.avg_tokens_per_second > 0) parts.push(`${stats.avg_tokens_per_second.toFixed(1)} tok/s`);
  if (stats.prompt_ms !== undefined) parts.push(`prompt ${stats.prompt_ms < 1000 ? `${Math.round(stats.prompt_ms)} ms` : `${(stats.prompt_ms / 1000).toFixed(1)} s`}`);
  parts.push(`${(stats.total_ms / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
