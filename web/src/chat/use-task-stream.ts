/**
 * The chat's turns and the one task stream attached to them. Events are applied in batches, once
 * per animation frame, so a fast stream re-renders (and re-parses markdown) at most at the
 * screen's rate. Every event carries its log sequence number and a turn folds in only newer
 * ones, so a resumed or doubled stream never shows text twice.
 *
 * The last turn, while its task is running or paused, always has a follower: one this page
 * started (a message, a decision, a password) or, failing that, a plain follow that stays open
 * through pauses, so what another tab decides shows up here live. Hanging up never stops a task;
 * only Stop (`POST /cancel`) does.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, chatStream, continueStream, passwordStream, type ChatRequest, type OnTaskEvent, type TaskEvent } from '../api.js';
import { turnsBefore, turnsFrom } from './replace-turns.js';
import { followTask, type FollowEnd, type Follower } from './task-follower.js';
import { applyLogged, isTerminal, newTurn, undoRefused, type Decision, type Turn, type TurnEvent } from './turn-model.js';

interface Attached {
  key: string;
  follower: Follower;
  /** Started by this page (as opposed to following what happens elsewhere). */
  own: boolean;
}

export interface TaskStream {
  turns: Turn[];
  /** The last turn is being sent or running: Send waits, Stop shows. */
  busy: boolean;
  /** The running task is followed, not driven, by this page (started before a reload or elsewhere). */
  following: boolean;
  /** The stream dropped and is being resumed. */
  reconnecting: boolean;
  /** The conversation the turns belong to (null: a new one, created by the first turn). */
  conversationId(): string | null;
  /**
   * Sends a message; resolves with an error message when the request could not even start.
   * `replaces` (retry, edit): the task whose turn, with every later one, the new turn replaces.
   */
  send(message: string, workspace: string, reasoning: 'on' | 'off', replaces?: string): Promise<string | null>;
  decide(turn: Turn, approvalId: string, decision: Decision): Promise<void>;
  continueTask(turn: Turn, approvalId: string): Promise<void>;
  /**
   * Undoes a file change: the row says "Undone", or why the server refused (the file changed
   * since) and stays ready to try again. One that was undone elsewhere meanwhile reads as undone.
   */
  undo(turn: Turn, changeId: string): Promise<void>;
  /**
   * Marks the changes another client undid since: a finished task's log is not followed, so the
   * page asks the server when the person comes back to it.
   */
  refreshChanges(): Promise<void>;
  /** The password is used for this one request and not kept anywhere. */
  submitPassword(turn: Turn, approvalId: string, password: string): void;
  /** Asks the server to stop the last turn's task. */
  stop(): void;
  /** Shows another conversation; a stream is detached, never stopped. */
  reset(turns: Turn[], conversationId: string | null): void;
  /** Another client started a task in this conversation; `replaces`: it retried or edited that task's turn. */
  taskStarted(taskId: string, message: string, replaces?: string): void;
}

const DECIDED: Record<Decision, 'allowed' | 'allowed_always' | 'denied'> = { allow_once: 'allowed', allow_always: 'allowed_always', deny: 'denied' };

export function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (error instanceof TypeError) return { code: 'network', message: 'ducklm could not be reached. Is `ducklm serve` still running?' };
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}

const live = (turn: Turn | undefined): turn is Turn & { taskId: string } => Boolean(turn?.taskId) && turn!.status !== 'sending' && !isTerminal(turn!.status);

let localIds = 0;

export function useTaskStream(onConversationChanged: (id: string) => void): TaskStream {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [attachedKind, setAttachedKind] = useState<'own' | 'follow' | null>(null);
  const [reconnecting, setReconnecting] = useState(false);
  const session = useRef(0);
  const attached = useRef<Attached | null>(null);
  /** Streams past their turn's `done` that still bring what the task remembered; they give up the slot. */
  const trailing = useRef(new Set<Follower>());
  const conversation = useRef<string | null>(null);
  const queue = useRef<{ key: string; event: TurnEvent; seq: number | null }[]>([]);
  /** The highest sequence number queued per turn, ahead of the rendered turns: where a new follower starts. */
  const queuedSeq = useRef(new Map<string, number>());
  const cancelFrame = useRef<(() => void) | null>(null);
  /** A Stop pressed before the new task's id was known: sent as soon as it is. */
  const stopWanted = useRef<string | null>(null);
  const turnsNow = useRef(turns);
  turnsNow.current = turns;
  const notify = useRef(onConversationChanged);
  notify.current = onConversationChanged;

  const stream = useMemo(() => {
    /** Approvals whose decision is on its way: a double click sends one. */
    const deciding = new Set<string>();
    /** File changes whose undo is on its way: a double click sends one. */
    const undoing = new Set<string>();
    const flush = () => {
      cancelFrame.current = null;
      const batch = queue.current.splice(0);
      if (!batch.length) return;
      setTurns((list) => list.map((turn) => batch.reduce((t, { key, event, seq }) => (key === turn.key ? applyLogged(t, event, seq) : t), turn)));
    };
    const enqueue = (key: string, event: TurnEvent, seq: number | null = null) => {
      queue.current.push({ key, event, seq });
      if (seq !== null) queuedSeq.current.set(key, Math.max(seq, queuedSeq.current.get(key) ?? 0));
      if (cancelFrame.current) return;
      // A hidden tab gets no animation frames; its events still have to land.
      if (document.hidden) {
        const timer = window.setTimeout(flush, 100);
        cancelFrame.current = () => window.clearTimeout(timer);
      } else {
        const frame = requestAnimationFrame(flush);
        cancelFrame.current = () => cancelAnimationFrame(frame);
      }
    };
    const flushNow = () => {
      cancelFrame.current?.();
      flush();
    };
    const conversationIs = (id: string) => {
      conversation.current = id;
      notify.current(id);
    };
    const turnOf = (key: string) => turnsNow.current.find((t) => t.key === key);

    const cancel = (key: string, taskId: string) => {
      enqueue(key, { type: 'local_stopping' });
      api.cancelTask(taskId).then(
        // Stopping a running task ends its stream with `done`; a paused one may have nobody streaming it.
        ({ outcome }) => outcome === 'cancelled' && enqueue(key, { type: 'local_cancelled' }),
        (error: unknown) => enqueue(key, { type: 'local_error', ...describeFailure(error) }),
      );
    };

    const vacate = (entry: Attached) => {
      if (attached.current !== entry) return;
      attached.current = null;
      setAttachedKind(null);
      setReconnecting(false);
    };
    const detach = () => {
      attached.current?.follower.detach();
      if (attached.current) vacate(attached.current);
    };

    /** Attaches the one stream of this view to turn `key`; resolves when it ends. */
    const attach = (key: string, taskId: string | null, until: 'pause' | 'end', first?: (onEvent: OnTaskEvent, signal: AbortSignal) => Promise<void>): Promise<FollowEnd> => {
      detach();
      const mine = session.current;
      const current = () => session.current === mine;
      const onEvent = (event: TaskEvent, seq: number | null) => {
        if (!current()) return;
        if (stopWanted.current === key) {
          stopWanted.current = null;
          cancel(key, event.task_id);
        }
        if (event.type === 'runtime_status' && event.conversation_id && event.conversation_id !== conversation.current) conversationIs(event.conversation_id);
        // The first exchange named the conversation (after the answer): the list shows the new title.
        if (event.type === 'conversation_titled') notify.current(event.conversation_id);
        enqueue(key, event, seq);
        if (event.type === 'done') {
          if (event.conversation_id !== conversation.current || first) conversationIs(event.conversation_id);
          // The turn's end lands at once, not a frame later; the next message or decision need not wait for the stream to close.
          flushNow();
          if ((isTerminal(event.status) || until === 'pause') && attached.current === entry) {
            trailing.current.add(follower);
            vacate(entry);
          }
        }
      };
      const follower = followTask({ taskId, after: Math.max(turnOf(key)?.seq ?? 0, queuedSeq.current.get(key) ?? 0), until, first, onEvent, onReconnecting: (on) => current() && attached.current === entry && setReconnecting(on) });
      const entry: Attached = { key, follower, own: Boolean(first) };
      attached.current = entry;
      setAttachedKind(entry.own ? 'own' : 'follow');
      return follower.ended.then((end) => {
        trailing.current.delete(follower);
        if (!current()) return end;
        vacate(entry);
        if (stopWanted.current === key) stopWanted.current = null;
        // A new task that never started is the caller's to report (the person gets their text back).
        if (end.kind === 'failed' && !(end.beforeAnyEvent && !follower.taskId)) enqueue(key, { type: 'local_error', ...describeFailure(end.error) });
        flushNow();
        return end;
      });
    };

    const actions = {
      conversationId: () => conversation.current,

      async send(message: string, workspace: string, reasoning: 'on' | 'off', replaces?: string) {
        const last = turnsNow.current.at(-1);
        if (attached.current?.own || last?.status === 'sending' || last?.status === 'running') return 'Wait for the current answer, or stop it first.';
        // The replaced turns leave at once; they come back if the server refuses the message.
        const replaced = replaces ? turnsFrom(turnsNow.current, replaces) : [];
        if (replaces && (!replaced.length || !conversation.current)) return 'That message is no longer part of this conversation.';
        const key = `local-${++localIds}`;
        setTurns((list) => [...(replaces ? turnsBefore(list, replaces) : list), newTurn(key, message)]);
        const request: ChatRequest = { message, workspace, reasoning, ...(conversation.current ? { conversation_id: conversation.current } : {}), ...(replaces ? { replaces } : {}) };
        const end = await attach(key, null, 'pause', (onEvent, signal) => chatStream(request, onEvent, signal));
        if (end.kind !== 'failed' || !end.beforeAnyEvent) return null;
        setTurns((list) => [...list.filter((turn) => turn.key !== key), ...replaced]);
        return describeFailure(end.error).message;
      },

      async decide(turn: Turn, approvalId: string, decision: Decision) {
        if (!turn.taskId || deciding.has(approvalId)) return;
        deciding.add(approvalId);
        // This page's own continue stream brings what follows; a follower beside it would only race it.
        detach();
        enqueue(turn.key, { type: 'local_decision', approvalId, state: 'deciding' });
        try {
          await api.decide(approvalId, decision);
        } catch (error) {
          // Decided already (another window): continuing still works, or says why not.
          if (!(error instanceof ApiError && error.status === 409)) {
            enqueue(turn.key, { type: 'local_decision', approvalId, state: 'pending', error: describeFailure(error).message });
            return;
          }
        } finally {
          deciding.delete(approvalId);
        }
        enqueue(turn.key, { type: 'local_decision', approvalId, state: DECIDED[decision] });
        await actions.continueTask(turn, approvalId);
      },

      async continueTask(turn: Turn, approvalId: string) {
        const taskId = turn.taskId;
        if (attached.current?.own || !taskId) return;
        enqueue(turn.key, { type: 'local_status', status: 'running' });
        await attach(turn.key, taskId, 'pause', (onEvent, signal) => continueStream(taskId, approvalId, onEvent, signal));
      },

      async undo(turn: Turn, changeId: string) {
        if (undoing.has(changeId)) return;
        undoing.add(changeId);
        enqueue(turn.key, { type: 'local_undo', changeId, state: 'undoing' });
        try {
          await api.undoFileChange(changeId);
          enqueue(turn.key, { type: 'local_undo', changeId, state: 'undone' });
        } catch (error) {
          enqueue(turn.key, undoRefused(changeId, describeFailure(error)));
        } finally {
          undoing.delete(changeId);
        }
      },

      async refreshChanges() {
        const conversationId = conversation.current;
        const shown = turnsNow.current.some((turn) => turn.items.some((item) => item.kind === 'change' && item.state === 'applied'));
        if (!conversationId || !shown) return;
        const mine = session.current;
        const { changes } = await api.fileChanges(conversationId).catch(() => ({ changes: [] }));
        if (session.current !== mine) return;
        for (const change of changes) {
          if (!change.undone_at) continue;
          const turn = turnsNow.current.find((t) => t.items.some((item) => item.kind === 'change' && item.id === change.change_id && item.state === 'applied'));
          if (turn) enqueue(turn.key, { type: 'file_change_undone', task_id: change.task_id, change_id: change.change_id, path: change.path });
        }
      },

      submitPassword(turn: Turn, approvalId: string, password: string) {
        const taskId = turn.taskId;
        if (attached.current?.own || !taskId) return;
        enqueue(turn.key, { type: 'local_password_sent' });
        void attach(turn.key, taskId, 'pause', (onEvent, signal) => passwordStream(taskId, approvalId, password, onEvent, signal));
      },

      stop() {
        const last = turnsNow.current.at(-1);
        if (!last || isTerminal(last.status)) return;
        const taskId = last.taskId ?? (attached.current?.key === last.key ? attached.current.follower.taskId : null);
        if (taskId) cancel(last.key, taskId);
        else if (attached.current?.key === last.key) {
          stopWanted.current = last.key;
          enqueue(last.key, { type: 'local_stopping' });
        }
      },

      reset(next: Turn[], conversationId: string | null) {
        session.current += 1;
        detach();
        for (const follower of trailing.current) follower.detach();
        trailing.current.clear();
        stopWanted.current = null;
        queue.current = [];
        queuedSeq.current.clear();
        cancelFrame.current?.();
        cancelFrame.current = null;
        conversation.current = conversationId;
        setTurns(next);
      },

      /**
       * A task another client started in this conversation: it becomes the last turn, followed
       * live. A retry or an edit made there (`replaces`) takes the replaced turns away here too.
       */
      taskStarted(taskId: string, message: string, replaces?: string) {
        const last = turnsNow.current.at(-1);
        // This page's own message is on its way (its task id still unknown): that is the task.
        if (last?.status === 'sending' || attached.current?.follower.taskId === taskId) return;
        if (turnsNow.current.some((t) => t.taskId === taskId)) return;
        const kept = (list: Turn[]) => (replaces ? turnsBefore(list, replaces) : list);
        // A stream still bringing a replaced turn's last notes has nothing left to show.
        if (attached.current && !kept(turnsNow.current).some((t) => t.key === attached.current!.key)) detach();
        setTurns((list) => (list.some((t) => t.taskId === taskId) ? list : [...kept(list), { ...newTurn(taskId, message), taskId, status: 'running' }]));
      },

      /** Follows the last turn when it is live and nothing streams it (after a load, a pause, another tab's start). */
      followLast() {
        const last = turnsNow.current.at(-1);
        if (attached.current || deciding.size || !live(last)) return;
        void attach(last.key, last.taskId, 'end');
      },
    };
    return actions;
  }, []);

  useEffect(() => stream.followLast(), [turns, attachedKind]);

  // Unmounting detaches: the task goes on on the server and is there when the person comes back.
  useEffect(
    () => () => {
      session.current += 1;
      attached.current?.follower.detach();
      for (const follower of trailing.current) follower.detach();
      cancelFrame.current?.();
    },
    [],
  );

  const last = turns.at(-1);
  const busy = last?.status === 'sending' || last?.status === 'running';
  return { ...stream, turns, busy, following: busy && attachedKind === 'follow', reconnecting };
}
