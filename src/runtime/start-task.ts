import { NotFoundError } from '../errors.js';
import type { StreamChunk } from '../model/model-client.js';
import { newId } from '../store/ids.js';
import { resolveWorkspace } from '../tools/workspace-path.js';
import { actionLoop } from './action-loop.js';
import { taintFromPrompt } from './approval-resolver.js';
import { completeTask } from './finish.js';
import { schedulePostTask } from './post-task.js';
import { findMemories } from './find-memories.js';
import { askPlanner, decideRoute, type RouteDecision } from './route.js';
import { createContext, runTurn } from './run-turn.js';
import type { RuntimeDeps } from './runtime-deps.js';
import type { TaskContext } from './task-context.js';
import type { EventListener } from './task-emitter.js';
import type { TaskState } from './task-state.js';
import { SpeculativeAnswer } from './speculative-answer.js';
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
    pinnedMemories: [],
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
      // Inside runTurn: even the first event may fail to be written (a full disk), and the task must still end with `done`.
      return runTurn(ctx, async () => {
        ctx.emitter.emit({ type: 'runtime_status', stage: 'planning', conversation_id: conversationId });
        await turn(ctx);
      });
    },
  };
}

async function turn(ctx: TaskContext): Promise<void> {
  const skill = await ctx.deps.skills.match(ctx.state.message, ctx.state.workspace);
  if (skill) {
    ctx.state.skill = { name: skill.name, instructions: skill.instructions };
    ctx.emitter.emit({ type: 'skill_activated', skill: skill.name, source: skill.source });
  }
  await findMemories(ctx);
  taintFromPrompt(ctx, skill?.source ?? null);
  const early = new SpeculativeAnswer(ctx);
  let decision: RouteDecision;
  try {
    decision = await decideRoute(ctx);
    // The judge only says a tool is needed; which one is the planner's call, and it may disagree.
    if (decision.by === 'recall' && decision.route === 'tools') decision = await askPlanner(ctx);
  } catch (error) {
    await early.discard();
    throw error;
  }
  if (decision.route === 'answer') {
    ctx.emitter.emit({ type: 'action_loop_skipped', reason: decision.reason, decided_by: decision.by });
    await answerAndFinish(ctx, early.release());
    return;
  }
  if (await early.discard()) ctx.emitter.emit({ type: 'speculative_answer_discarded' });
  if ((await actionLoop(ctx, decision.directive)) === 'paused') return;
  await answerAndFinish(ctx);
}

export async function answerAndFinish(ctx: TaskContext, answer?: AsyncIterable<StreamChunk>): Promise<void> {
  ctx.signal.throwIfAborted();
  await think(ctx, answer);
  completeTask(ctx);
  schedulePostTask(ctx);
}
