import { NotFoundError } from '../errors.js';
import { findLessons } from '../memory/lessons.js';
import { newId } from '../store/ids.js';
import { resolveWorkspace } from '../tools/workspace-path.js';
import { actionLoop } from './action-loop.js';
import { completeTask } from './finish.js';
import { asksForAction, cannotNeedTools } from './intent.js';
import { schedulePostTask } from './post-task.js';
import { recall } from './recall.js';
import { createContext, runTurn } from './run-turn.js';
import type { RuntimeDeps } from './runtime-deps.js';
import type { TaskContext } from './task-context.js';
import type { EventListener } from './task-emitter.js';
import type { TaskState } from './task-state.js';
import { think } from './thinker.js';

export interface ChatRequest {
  message: string;
  workspace: string;
  conversationId?: string;
  debug: boolean;
  reasoning?: 'on' | 'off';
}

/** A task created and ready to stream; creating it first lets bad ids fail before any streaming. */
export interface PreparedRun {
  taskId: string;
  conversationId: string;
  run(listener: EventListener | null, signal: AbortSignal): Promise<void>;
}

export async function prepareTask(deps: RuntimeDeps, request: ChatRequest): Promise<PreparedRun> {
  const { store } = deps;
  const workspace = await resolveWorkspace(request.workspace);
  if (request.conversationId && !store.conversations.get(request.conversationId)) {
    throw new NotFoundError(`Unknown conversation: ${request.conversationId}`);
  }
  const conversationId = request.conversationId ?? store.conversations.create(workspace).id;
  const taskId = newId('task');
  const state: TaskState = {
    version: 1,
    message: request.message,
    workspace,
    conversationId,
    reasoning: request.reasoning ?? null,
    debug: request.debug,
    skill: null,
    memories: [],
    lessons: [],
    observations: [],
    steps: 0,
    tainted: false,
    passwordAttempts: 0,
    pending: null,
    calls: [],
  };
  store.db.transaction(() => {
    store.tasks.create({ id: taskId, conversation_id: conversationId, workspace, message: request.message, state: JSON.stringify(state) });
    store.conversations.addMessage(conversationId, taskId, 'user', request.message, 'completed');
  })();
  return {
    taskId,
    conversationId,
    run: (listener, signal) => {
      const ctx = createContext(deps, taskId, state, listener, signal);
      ctx.emitter.emit({ type: 'runtime_status', stage: 'planning', conversation_id: conversationId });
      return runTurn(ctx, () => turn(ctx));
    },
  };
}

async function turn(ctx: TaskContext): Promise<void> {
  const skill = await ctx.deps.skills.match(ctx.state.message, ctx.state.workspace);
  if (skill) {
    ctx.state.skill = { name: skill.name, instructions: skill.instructions };
    ctx.emitter.emit({ type: 'skill_activated', skill: skill.name, source: skill.source });
  }
  const { sufficient } = await recall(ctx);
  const skip = planningNotNeeded(ctx, sufficient);
  if (skip) ctx.emitter.emit({ type: 'action_loop_skipped', reason: skip });
  else {
    applyLessons(ctx);
    if ((await actionLoop(ctx)) === 'paused') return;
  }
  await answerAndFinish(ctx);
}

/** Lessons of this workspace's past tasks that resemble this one go to the planner. */
function applyLessons(ctx: TaskContext): void {
  const lessons = findLessons(ctx.deps.store.experience, ctx.state.workspace, ctx.state.message);
  if (!lessons.length) return;
  ctx.state.lessons = lessons.map((l) => ({ id: l.id, lesson: l.lesson }));
  ctx.emitter.emit({ type: 'experience_applied', experience_ids: lessons.map((l) => l.id), lessons: lessons.map((l) => l.lesson) });
}

/** Why the planner may be skipped for this turn, or null when it must run. */
function planningNotNeeded(ctx: TaskContext, memoriesSuffice: boolean): string | null {
  const { message, skill } = ctx.state;
  if (memoriesSuffice && !asksForAction(message)) return 'The recalled memories answer the question and it asks for no action.';
  if (!skill && cannotNeedTools(message)) return 'Nothing in the message can need a tool.';
  return null;
}

export async function answerAndFinish(ctx: TaskContext): Promise<void> {
  ctx.signal.throwIfAborted();
  await think(ctx);
  completeTask(ctx);
  schedulePostTask(ctx);
}
