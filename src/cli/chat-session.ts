import { setTimeout as delay } from 'node:timers/promises';
import type { Approval } from '../store/approvals-repo.js';
import type { StoredMessage } from '../store/conversations-repo.js';
import { VERSION } from '../version.js';
import { consolePrompts } from './approval-prompts.js';
import { CliError } from './cli-error.js';
import { busyHint } from './conversation-busy.js';
import type { ApiClient } from './client/api-client.js';
import type { MarkdownRenderer } from './answer-writer.js';
import type { ConsoleInput } from './console-input.js';
import { EventRenderer, plural } from './render-events.js';
import { pickConversation } from './conversation-picker.js';
import { editNote, fromEditLine, nthLastTurn, retryNote, toEditLine, type Turn } from './replace-exchange.js';
import { followFromPause, showConversationEnd } from './resume-conversation.js';
import { driveTask, type ApprovalRequest, type PasswordRequest, type TaskDriverDeps, type TaskStart } from './task-driver.js';
import type { TextOut } from './text-out.js';
import { inert } from './inert.js';
import { ApiError } from './client/api-client.js';
import { changesTable, changeText, conversationChanges, nothingToUndo, undoable } from './file-changes.js';

export interface ChatSessionOptions {
  api: ApiClient;
  /** The server's address, for the banner; `inProcess` when it runs inside this process. */
  url: string;
  inProcess: boolean;
  workspace: string;
  conversationId: string | null;
  /** `--resume`: show the end of the conversation (default: the workspace's latest) and follow its unfinished task. */
  resume: boolean;
  reasoning: 'on' | 'off' | undefined;
  input: ConsoleInput;
  out: TextOut;
  /** Renders answers' markdown (on a terminal with styling). */
  markdown?: MarkdownRenderer;
  /** Leaves at once (a second Ctrl-C while an answer is being stopped). */
  quitNow(): void;
}

interface Health {
  model?: { configured: boolean; reachable: boolean; base_url: string | null; detail?: string };
}

/** A task paused for the person, as `GET /v1/tasks/waiting` lists it. */
interface WaitingTask {
  task_id: string;
  message: string;
  workspace: string;
  status: 'waiting_for_approval' | 'waiting_for_password';
  approval: Approval | null;
}

/** The interactive loop of `ducklm chat`: a prompt, slash commands, and one task per message. */
export class ChatSession {
  private conversationId: string | null;
  private reasoning: 'on' | 'off' | undefined;
  /** The last thing the person did was Ctrl-C: one more at the prompt leaves. */
  private interrupted = false;
  private readonly deps: TaskDriverDeps;

  constructor(private readonly o: ChatSessionOptions) {
    this.conversationId = o.conversationId;
    this.reasoning = o.reasoning;
    const { out } = o;
    this.deps = {
      api: o.api,
      renderer: new EventRenderer({ answer: out, info: out, reasoning: out, stats: true, markdown: o.markdown, undoHint: '/undo to take it back' }),
      prompts: consolePrompts(o.input, out),
      watchInterrupts: (onInterrupt) => o.input.watchInterrupts(onInterrupt),
      onRepeatedInterrupt: o.quitNow,
      say: (line) => out.line(out.style.dim(line)),
    };
  }

  async run(): Promise<number> {
    const { out, input } = this.o;
    if (this.o.resume && !this.conversationId) {
      const pick = await pickConversation(this.o.api, this.o.workspace, input, out);
      if (pick === 'quit') return 0;
      this.conversationId = pick.id;
    }
    const messages = await this.greet();
    if (this.o.resume) {
      if (messages) await this.guard(() => this.resume(messages));
      else out.line(out.style.dim('No conversation in this workspace yet: this one is new.'));
    }
    const prompt = `${out.style.cyan('›')} `;
    for (;;) {
      const reply = await input.readLine(prompt);
      if (reply.kind === 'eof') return 0;
      if (reply.kind === 'interrupt') {
        // Like a shell: Ctrl-C drops what was typed; on an empty line, twice in a row leaves.
        if (reply.text.trim()) {
          this.interrupted = false;
          continue;
        }
        if (this.interrupted) return 0;
        this.interrupted = true;
        out.line(out.style.dim('(Ctrl-C again or Ctrl-D to quit)'));
        continue;
      }
      this.interrupted = false;
      const text = reply.text.trim();
      if (!text) continue;
      const command = this.commandFor(text);
      if (command) {
        if ((await this.guard(command)) === 'quit') return 0;
        continue;
      }
      await this.guard(() => this.send(text));
    }
  }

  /** A message to the conversation; `replaces`: the task whose exchange (and every later one) it takes the place of. */
  private send(message: string, replaces?: string): Promise<void> {
    const conversation = this.conversationId ? { conversation_id: this.conversationId, ...(replaces ? { replaces } : {}) } : {};
    const body = { message, workspace: this.o.workspace, ...conversation, ...(this.reasoning ? { reasoning: this.reasoning } : {}) };
    return this.runTask({ path: '/v1/chat/stream', body }, true);
  }

  private async runTask(start: TaskStart, ownConversation: boolean): Promise<void> {
    const { out } = this.o;
    const outcome = await driveTask(this.deps, start);
    if (ownConversation && outcome.conversationId && outcome.conversationId !== this.conversationId) {
      this.conversationId = outcome.conversationId;
      // Said once, when the conversation begins: what `--resume` takes to come back to it.
      out.line(out.style.dim(`conversation ${inert(this.conversationId)} · ducklm chat --resume ${inert(this.conversationId)}`));
    }
    if (outcome.kind === 'stopped') {
      this.interrupted = true;
      out.line(out.style.dim('(Ctrl-C again to quit)'));
    }
    if (outcome.kind === 'failed' && !outcome.reported) out.line(out.style.red(`✗ ${inert(outcome.message)}`));
    out.line();
  }

  /** An API error (server gone, 404, 409) is a line on the screen; the session goes on. */
  private async guard(body: () => Promise<void | 'quit'>): Promise<void | 'quit'> {
    try {
      return await body();
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      const { out } = this.o;
      this.deps.renderer.endLine();
      out.line(out.style.red(`✗ ${inert(error.message)}`));
      const hint = busyHint(error);
      if (hint) out.line(out.style.dim(hint));
      out.line();
    }
  }

  private commandFor(text: string): (() => Promise<void | 'quit'>) | null {
    const [word, ...rest] = text.split(/\s+/);
    const { out } = this.o;
    const { dim } = out.style;
    switch (word?.toLowerCase()) {
      case '/quit':
      case '/exit':
      case '/q':
        return async () => 'quit';
      case '/help':
      case '/?':
        return async () => this.help();
      case '/new':
        return async () => {
          this.conversationId = null;
          out.line(dim('New conversation.'));
        };
      case '/reasoning':
        return async () => {
          const value = rest[0]?.toLowerCase();
          if (value !== 'on' && value !== 'off') throw new CliError(`/reasoning on or /reasoning off (now: ${this.reasoning ?? "the model's default"}).`);
          this.reasoning = value;
          out.line(dim(`Reasoning ${value} from the next message.`));
        };
      case '/pending':
        return () => this.reviewPending();
      case '/retry':
        return () => this.retry();
      case '/edit':
        return () => this.edit(rest[0]);
      case '/undo':
        return () => this.undo(rest[0]);
      case '/changes':
        return () => this.changes();
      default:
        // "/etc/hosts: what is in it?" is a message, not a command.
        return null;
    }
  }

  private help(): void {
    const { out } = this.o;
    const { dim, bold } = out.style;
    const rows = [
      ['/new', 'start a new conversation'],
      ['/reasoning on|off', `let the model think first, or not (now: ${this.reasoning ?? 'its default'})`],
      ['/retry', 'send your last message again, in place of its answer'],
      ['/edit [N]', 'edit your last message (N: the Nth-last) and send it in place of it and what followed'],
      ['/pending', 'review tasks that wait for your approval'],
      ['/undo [N]', "undo ducklm's last file write or edit here (N: the Nth-last still applied)"],
      ['/changes', 'list the files written or edited in this conversation, numbered for /undo'],
      ['/help', 'this list'],
      ['/quit', 'leave (or Ctrl-D, or Ctrl-C twice)'],
    ];
    for (const [name, what] of rows) out.line(`  ${bold(name!.padEnd(18))} ${what}`);
    out.line(dim('  Ctrl-C stops an answer. Anything else is sent as a message.'));
  }

  /** The conversation's last message of the person's, sent again: its new answer replaces the old one (or the failure). */
  private async retry(): Promise<void> {
    const turn = await this.turn(1, 'retry');
    if (!turn) return;
    this.o.out.line(this.o.out.style.dim(retryNote(turn)));
    await this.send(turn.message, turn.taskId);
  }

  /**
   * The person's Nth-last message on the prompt line, to change and send in its place (the
   * exchanges after it go too). A multi-line message shows its line breaks as ↵ and keeps them.
   */
  private async edit(arg: string | undefined): Promise<void> {
    const { out, input } = this.o;
    const n = arg === undefined ? 1 : /^[1-9]\d*$/.test(arg) ? Number(arg) : NaN;
    if (Number.isNaN(n)) throw new CliError('/edit edits your last message; /edit 2 the one before it, and so on.');
    const turn = await this.turn(n, 'edit');
    if (!turn) return;
    out.line(out.style.dim(editNote(turn.later)));
    const reply = await input.readLine(`${out.style.yellow('edit ›')} `, { prefill: toEditLine(turn.message) });
    const message = reply.kind === 'line' ? fromEditLine(reply.text) : '';
    if (!message) {
      out.line(out.style.dim('Kept as it was.'));
      return;
    }
    await this.send(message, turn.taskId);
  }

  /**
   * Puts back the file as it was before the conversation's Nth-last applied write or edit (1: the
   * last). The server refuses when the file changed since, or another client undid it: said as such.
   */
  private async undo(arg: string | undefined): Promise<void> {
    const { out, api } = this.o;
    const { dim, green, red } = out.style;
    const n = arg === undefined ? 1 : /^[1-9]\d*$/.test(arg) ? Number(arg) : NaN;
    if (Number.isNaN(n)) throw new CliError('/undo undoes the last file change; /undo 2 the one before it, and so on (/changes lists them).');
    const changes = this.conversationId ? await conversationChanges(api, this.conversationId) : [];
    const change = undoable(changes)[n - 1];
    if (!change) {
      out.line(dim(nothingToUndo(changes, n)));
      return;
    }
    try {
      await api.post(`/v1/file-changes/${encodeURIComponent(change.change_id)}/undo`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      out.line(red(`✗ Not undone (${changeText(change)}): ${inert(error.message)}`));
      return;
    }
    out.line(green(`↶ Undid: ${changeText(change)}${change.created ? ' (the file is removed again)' : ' (the file is back as it was)'}`));
    const left = undoable(changes).length - 1;
    if (left > 0) out.line(dim(`${plural(left, 'more change')} can be undone: /changes lists them.`));
  }

  /** The conversation's file writes and edits, newest first, numbered as /undo N names them. */
  private async changes(): Promise<void> {
    const { out, api } = this.o;
    const changes = this.conversationId ? await conversationChanges(api, this.conversationId) : [];
    if (!changes.length) {
      out.line(out.style.dim('No file was written or edited in this conversation.'));
      return;
    }
    const width = out.isTty ? (out.stream as NodeJS.WriteStream).columns : undefined;
    out.line(changesTable(changes, out.style, width));
  }

  /** The person's Nth-last message, or null (said why) when the conversation has none such. */
  private async turn(n: number, what: 'retry' | 'edit'): Promise<Turn | null> {
    const { out, api } = this.o;
    const { dim } = out.style;
    if (!this.conversationId) {
      out.line(dim(`Nothing to ${what} yet: this conversation has no message.`));
      return null;
    }
    const { messages } = await api.get<{ messages: StoredMessage[] }>(`/v1/conversations/${encodeURIComponent(this.conversationId)}`);
    const turn = nthLastTurn(messages, n);
    if (turn) return turn;
    const count = messages.filter((m) => m.role === 'user').length;
    out.line(dim(count === 0 ? `Nothing to ${what} yet: this conversation has no message.` : `This conversation has only ${plural(count, 'message')} of yours.`));
    return null;
  }

  /** Where the conversation stood; a task still running is followed live, a paused one asks, as /pending does. */
  private async resume(messages: StoredMessage[]): Promise<void> {
    const follow = await showConversationEnd(this.o.api, this.o.out, messages);
    if (follow) await this.runTask(follow, true);
  }

  /** Tasks paused for an approval or a password (by `ducklm ask`, another client, or a chat that was left). */
  private async reviewPending(): Promise<void> {
    const { out, api } = this.o;
    const { tasks } = await api.get<{ tasks: WaitingTask[] }>('/v1/tasks/waiting');
    const waiting = tasks.filter((task) => task.approval !== null);
    if (!waiting.length) {
      out.line(out.style.dim('Nothing waits for you.'));
      return;
    }
    for (const task of waiting) {
      out.line(out.style.dim(`Task "${inert(task.message)}" in ${inert(task.workspace)}:`));
      const { approval_id, task_id, tool, args, reason, risk_level, action_type, needs_password, diff } = task.approval!;
      const request: ApprovalRequest | PasswordRequest =
        task.status === 'waiting_for_password'
          ? { type: 'tool_password_requested', approval_id, task_id, tool, args, reason, attempt: 1, status: 'waiting_for_password' }
          : { type: 'tool_approval_requested', approval_id, task_id, tool, args, reason, risk_level, action_type, needs_password, ...(diff !== undefined ? { diff } : {}), status: 'waiting_for_approval' };
      await this.runTask((await followFromPause(api, task_id)) ?? { waiting: request }, false);
      if (this.interrupted) return;
    }
  }

  /** The banner; resolves with the conversation's messages when one is continued. */
  private async greet(): Promise<StoredMessage[] | null> {
    const { out, api } = this.o;
    const { dim, yellow } = out.style;
    // These also check the token before the first message: a 401 ends the command here.
    const [pending, conversation, health] = await Promise.all([
      api.get<{ tasks: WaitingTask[] }>('/v1/tasks/waiting').then(({ tasks }) => tasks),
      this.conversationId ? api.get<{ messages: StoredMessage[] }>(`/v1/conversations/${encodeURIComponent(this.conversationId)}`) : null,
      // Health asks the model server too; a slow one must not hold up the prompt.
      Promise.race([api.get<Health>('/v1/health').catch(() => null), delay(1500, null, { ref: false })]),
    ]);
    const server = this.o.inProcess ? 'a server in this process' : this.o.url;
    out.line(dim(`ducklm ${VERSION} · ${inert(server)} · workspace ${inert(this.o.workspace)}`));
    const model = health?.model;
    if (model && !model.configured) out.line(yellow('No model server found or configured: start one, or choose one with `ducklm models` (or set DUCK_MODEL_BASE_URL / DUCK_MODEL_PATH).'));
    else if (model && !model.reachable) out.line(yellow(`The model server at ${inert(`${model.base_url}`)} does not answer${model.detail ? `: ${inert(model.detail)}` : ''}.`));
    if (conversation) out.line(dim(`Continuing a conversation of ${plural(conversation.messages.length, 'message')}. Its id: ${inert(this.conversationId!)}`));
    // --resume asks for its own conversation's paused task right away: no need to point at it.
    const last = conversation?.messages.at(-1);
    const others = this.o.resume && last?.role === 'user' ? pending.filter((task) => task.task_id !== last.task_id) : pending;
    if (others.length) out.line(yellow(`${plural(others.length, 'task waits', 'tasks wait')} for you (an approval or a password): /pending to review.`));
    out.line(dim('/help for commands · Ctrl-C stops an answer · Ctrl-D quits'));
    out.line();
    return conversation?.messages ?? null;
  }
}
