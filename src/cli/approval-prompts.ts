import { alwaysOffer } from '../tools/always-offer.js';
import type { ConsoleInput } from './console-input.js';
import { diffText } from './diff-text.js';
import { inert } from './inert.js';
import { describeAction } from './render-events.js';
import type { ApprovalAnswer, ApprovalRequest, PasswordAnswer, PasswordRequest, TaskPrompts } from './task-driver.js';
import type { Style } from './terminal.js';
import type { TextOut } from './text-out.js';

const ANSWERS: Record<string, Exclude<ApprovalAnswer, 'cancel' | 'leave'>> = {
  o: 'allow_once',
  once: 'allow_once',
  y: 'allow_once',
  yes: 'allow_once',
  a: 'allow_always',
  always: 'allow_always',
  d: 'deny',
  deny: 'deny',
  n: 'deny',
  no: 'deny',
};

/**
 * Asks at the terminal. An approval needs a typed answer and Enter, never a single key, so that
 * keys typed ahead while the answer streamed cannot approve anything; Ctrl-C or Ctrl-D ends the task.
 */
export function consolePrompts(input: ConsoleInput, out: TextOut): TaskPrompts {
  const { bold, dim, yellow, red } = out.style;
  return {
    async approval(request, problem) {
      if (problem) out.line(red(`✗ ${inert(problem)}`));
      else showApproval(out, request);
      // sudo is never "always allowed", nor what the reason says gets no rule: it is not offered.
      const always = alwaysOffer(request);
      for (;;) {
        const reply = await input.readLine(`${bold('Allow?')} [o]nce${always ? ` / [a]${always.choice.slice(1)}` : ''} / [d]eny › `, { remember: false });
        if (reply.kind !== 'line') return 'cancel';
        const answer = ANSWERS[reply.text.trim().toLowerCase()];
        if (answer && (always || answer !== 'allow_always')) return answer;
        out.line(dim(`Type o to allow it once, ${always ? `a to ${always.hint}, ` : ''}d to deny it; Ctrl-C ends the task.`));
      }
    },

    async password(request) {
      if (request.attempt > 1) out.line(yellow(passwordRetryLine(request.attempt, request.max_attempts)));
      else {
        out.line(`${yellow('🔒')} ${inert(request.reason)}`);
        out.line(dim('Typing shows nothing. Enter sends it; Ctrl-C ends the task.'));
      }
      for (;;) {
        const secret = await input.readSecret(`${bold('sudo password')}: `);
        if (secret.kind === 'cancelled') return { kind: 'cancel' };
        if (secret.value) return { kind: 'password', value: secret.value };
        out.line(dim('Nothing was typed; type the password, or Ctrl-C to end the task.'));
      }
    },
  };
}

/** Said when sudo refused the last password and the server asks again, as the web's password dialog says it. */
export function passwordRetryLine(attempt: number, maxAttempts?: number): string {
  const count = maxAttempts ? `attempt ${attempt} of ${maxAttempts}${attempt === maxAttempts ? ', the last' : ''}` : `attempt ${attempt}`;
  // The line above it (the log's password_attempt) already says that sudo refused it.
  return `Wrong password, try again (${count}).`;
}

/**
 * The approval as a person needs it: what would run, why, how risky. Everything the model wrote
 * (the command, the reason) is inert and on one line: it cannot draw over the card or add a line.
 */
export function showApproval(out: TextOut, request: ApprovalRequest): void {
  const { bold, dim, yellow } = out.style;
  const verb = typeof request.args.command === 'string' ? 'wants to run' : 'wants to use';
  out.line(`${yellow('?')} ${bold(inert(request.tool))} ${verb}: ${bold(describeAction(request.args))}`);
  out.line(`  ${dim('reason:')} ${inert(request.reason)}`);
  out.line(`  ${dim('risk:')} ${riskText(out, request.risk_level)} ${dim('· action:')} ${request.action_type.replaceAll('_', ' ')}`);
  // A file write or edit: exactly what it would change.
  if (request.diff !== undefined) for (const line of diffText(request.diff, out.style)) out.line(line);
}

function riskText(out: TextOut, risk: ApprovalRequest['risk_level']): string {
  const { red, yellow } = out.style;
  return risk === 'high' ? red(risk) : risk === 'medium' ? yellow(risk) : risk;
}

const plain = (text: string) => text;
/** No styling: these lines go to a log or a pipe. */
const PLAIN: Style = { enabled: false, dim: plain, bold: plain, red: plain, green: plain, yellow: plain, cyan: plain };

/**
 * For `ask` without a terminal: everything needed to decide the approval elsewhere. `url` is where
 * the server is found; `serverStops`, when the server ran inside the command and stops with it.
 */
export function describePausedTask(request: ApprovalRequest | PasswordRequest, url: string, serverStops: boolean): string[] {
  const what = describeAction(request.args);
  const api = `${url}/v1`;
  const restart = serverStops ? ['  (The server ran inside this command; the task waits in the database for `ducklm serve` or `ducklm chat`.)'] : [];
  if (request.type === 'tool_password_requested') {
    return [
      `ducklm: the task waits for the sudo password to run: ${what}`,
      `  task ${request.task_id}, approval ${request.approval_id}`,
      '  Give it with the API (token from `ducklm token`): POST {"approval_id", "password"} to',
      `  ${api}/tasks/${request.task_id}/password/stream`,
      ...restart,
    ];
  }
  return [
    `ducklm: the task waits for your approval to run: ${what}`,
    `  ${inert(request.tool)}, risk ${request.risk_level}, action ${request.action_type.replaceAll('_', ' ')}: ${inert(request.reason)}`,
    ...(request.diff !== undefined ? diffText(request.diff, PLAIN, { indent: '    ' }) : []),
    `  task ${request.task_id}, approval ${request.approval_id}`,
    '  Decide in `ducklm chat` (type /pending), or with the API (token from `ducklm token`):',
    `  POST ${api}/approvals/${request.approval_id}/allow_once (or /deny), then`,
    `  POST ${api}/tasks/${request.task_id}/continue/stream {"approval_id": "${request.approval_id}"}`,
    ...restart,
  ];
}
