import { NotFoundError } from '../errors.js';
import { conversationBusy } from '../store/conversations-repo.js';
import { newId } from '../store/ids.js';
import { resolveWorkspace } from '../tools/workspace-path.js';
import { taintFromPrompt } from './approval-resolver.js';
import { shownWithAttachment, type Attachment } from './attachment.js';
import { findMemories } from './find-memories.js';
import type { RuntimeDeps } from './runtime-deps.js';
import { SpeculativeAnswer } from './speculative-answer.js';
import type { Step } from './steps.js';
import type { TaskContext } from './task-context.js';
import { prepareTools } from './tool-servers.js';
import { taskStateSchema, type TaskState } from './task-state.js';

export interface ChatRequest {
  message: string;
  workspace: string;
  conversationId?: string;
  debug: boolean;
  reasoning?: 'on' | 'off';
  /** Retry or edit-and-resend: the task whose exchange, and all after it, this message replaces. */
  replaces?: string;
  /** Asked once (`ducklm ask`): a new conversation stays out of the default list. */
  oneOff?: boolean;
  /** Text attached to the message (piped standard input): untrusted. */
  attachment?: Attachment;
}

/** A task created (or claimed to resume) and ready to run: the driver starts it at `first`. */
export interface PreparedRun {
  taskId: string;
  conversationId: string;
  state: TaskState;
  first: Step;
  /** The last event before this run: its followers start after it. */
  after: number;
}

/** Creates the task; creating it first lets bad ids fail before anything runs. */
export async function prepareTask(deps: RuntimeDeps, request: ChatRequest): Promise<PreparedRun> {
  const { store } = deps;
  const workspace = await resolveWorkspace(request.workspace);
  if (request.conversationId && !store.conversations.get(request.conversationId)) {
    throw new NotFoundError(`Unknown conversation: ${request.conversationId}`);
  }
  const conversationId = request.conversationId ?? store.conversations.create(workspace, request.oneOff).id;
  const { message, attachment } = request.replaces ? retried(deps, request, request.replaces) : request;
  const taskId = newId('task');
  const state: TaskState = {
    version: 1,
    message,
    attachment: attachment ?? null,
    replaces: request.replaces ?? null,
    workspace,
    conversationId,
    reasoning: request.reasoning ?? null,
    debug: request.debug,
    skill: null,
    memories: [],
    pinnedMemories: [],
    lessons: [],
    observations: [],
    steps: 0,
    tainted: false,
    passwordAttempts: 0,
    pending: null,
    calls: [],
    toolTrouble: [],
  };
  store.db.transaction(() => {
    // One task at a time in a conversation: a message sent past a paused one would strand it.
    const unfinished = store.tasks.unfinishedOf(conversationId);
    if (unfinished.length) throw conversationBusy(unfinished, 'send your message');
    if (request.replaces) store.conversations.replaceFrom(conversationId, request.replaces);
    if (!request.oneOff) store.conversations.keepAsChat(conversationId);
    store.tasks.create({ id: taskId, conversation_id: conversationId, workspace, message, state: JSON.stringify(state) });
    const shown = attachment ? shownWithAttachment(message, attachment) : message;
    store.conversations.addMessage(conversationId, taskId, 'user', shown, 'completed');
  })();
  return { taskId, conversationId, state, first: { kind: 'prepare' }, after: 0 };
}

/**
 * A retry sends the replaced message as the conversation showed it. Then the new task takes the
 * replaced one's own input, so text that came attached stays an attachment (untrusted) rather
 * than becoming words of the person's. An edited message is taken as the person wrote it.
 */
function retried(deps: RuntimeDeps, request: ChatRequest, replaces: string): Pick<ChatRequest, 'message' | 'attachment'> {
  const task = deps.store.tasks.get(replaces);
  const shown = deps.store.conversations.messages(task?.conversation_id ?? '').find((m) => m.task_id === replaces && m.role === 'user');
  if (!task || task.conversation_id !== request.conversationId || shown?.content !== request.message) return request;
  const state = taskStateSchema.safeParse(JSON.parse(task.state));
  return state.success ? { message: state.data.message, ...(state.data.attachment ? { attachment: state.data.attachment } : {}) } : request;
}

/**
 * The `prepare` phase: the skill and memories of the message, found locally; then the route is
 * decided, with the answer already starting beside the decision.
 */
export async function preparePhase(ctx: TaskContext): Promise<Step> {
  // MCP servers start beside the local work; the first prompt listing tools (the early answer's) waits for them.
  const toolsReady = prepareTools(ctx);
  toolsReady.catch(() => {});
  const skill = await ctx.deps.skills.match(ctx.state.message, ctx.state.workspace);
  if (skill) {
    ctx.state.skill = { name: skill.name, instructions: skill.instructions };
    ctx.emitter.emit({ type: 'skill_activated', skill: skill.name, source: skill.source });
  }
  await findMemories(ctx);
  taintFromPrompt(ctx, skill?.source ?? null);
  await toolsReady;
  const early = new SpeculativeAnswer(ctx);
  return ctx.state.memories.length || ctx.state.pinnedMemories.length ? { kind: 'recall', early } : { kind: 'plan', first: true, early };
}
