/**
 * The chat's turns and the one task stream that may be running. Events are applied in batches,
 * once per animation frame, so a fast stream re-renders (and re-parses markdown) at most at the
 * screen's rate. Leaving a conversation detaches its stream without hanging up: the task goes on
 * on the server and is there when the person comes back; only Stop ends it.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, chatStream, continueStream, passwordStream, type ChatRequest, type TaskEvent } from '../api.js';
import { applyEvent, isPaused, newTurn, type Decision, type Turn, type TurnEvent } from './turn-model.js';

type Start = (onEvent: (event: TaskEvent) => void, signal: AbortSignal) => Promise<void>;

interface ActiveStream {
  key: string;
  taskId: string | null;
  controller: AbortController;
  session: number;
}

export interface TaskStream {
  turns: Turn[];
  /** A stream of this view is running. */
  busy: boolean;
  /** The conversation the turns belong to (null: a new one, created by the first turn). */
  conversationId(): string | null;
  /** Sends a message; resolves with an error message when the request could not even start. */
  send(message: string, workspace: string, reasoning: 'on' | 'off'): Promise<string | null>;
  decide(turn: Turn, approvalId: string, decision: Decision): Promise<void>;
  continueTask(turn: Turn, approvalId: string): Promise<void>;
  /** The password is used for this one request and not kept anywhere. */
  submitPassword(turn: Turn, approvalId: string, password: string): void;
  /** Stops the running stream (the server cancels its task) or ends a paused or remote task. */
  stop(): void;
  /** Shows another conversation; a running stream is detached, not stopped. */
  reset(turns: Turn[], conversationId: string | null): void;
  replace(turn: Turn): void;
}

const DECIDED: Record<Decision, 'allowed' | 'allowed_always' | 'denied'> = { allow_once: 'allowed', allow_always: 'allowed_always', deny: 'denied' };

export function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (error instanceof TypeError) return { code: 'network', message: 'ducklm could not be reached. Is `ducklm serve` still running?' };
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}

let localIds = 0;

export function useTaskStream(onConversationChanged: (id: string) => void): TaskStream {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [busy, setBusy] = useState(false);
  const session = useRef(0);
  const active = useRef<ActiveStream | null>(null);
  const conversation = useRef<string | null>(null);
  const queue = useRef<{ key: string; event: TurnEvent }[]>([]);
  const cancelFrame = useRef<(() => void) | null>(null);
  const turnsNow = useRef(turns);
  turnsNow.current = turns;
  const notify = useRef(onConversationChanged);
  notify.current = onConversationChanged;

  const stream = useMemo(() => {
    /** Approvals whose decision is on its way: a double click sends one. */
    const deciding = new Set<string>();
    const flush = () => {
      cancelFrame.current = null;
      const batch = queue.current.splice(0);
      if (!batch.length) return;
      setTurns((list) => list.map((turn) => batch.reduce((t, { key, event }) => (key === turn.key ? applyEvent(t, event) : t), turn)));
    };
    const enqueue = (key: string, event: TurnEvent) => {
      queue.current.push({ key, event });
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
    const conversationIs = (id: string) => {
      conversation.current = id;
      notify.current(id);
    };

    /** Runs one stream into the turn `key`; returns the error when it failed before any event and `fresh` asks for it. */
    const run = async (key: string, taskId: string | null, start: Start, fresh = false): Promise<unknown> => {
      const handle: ActiveStream = { key, taskId, controller: new AbortController(), session: session.current };
      const current = () => session.current === handle.session;
      active.current = handle;
      setBusy(true);
      let seen = false;
      let done = false;
      try {
        await start((event) => {
          if (!current()) return;
          seen = true;
          handle.taskId ??= event.task_id;
          if (event.type === 'runtime_status' && event.conversation_id && event.conversation_id !== conversation.current) conversationIs(event.conversation_id);
          enqueue(key, event);
          if (event.type === 'done') {
            done = true;
            conversationIs(event.conversation_id);
          }
        }, handle.controller.signal);
        if (current() && !done) {
          enqueue(key, handle.controller.signal.aborted ? { type: 'local_cancelled' } : { type: 'local_error', code: 'stream_ended', message: 'The connection ended before the task was finished.' });
        }
        return null;
      } catch (error) {
        if (!current()) return null;
        if (handle.controller.signal.aborted) enqueue(key, { type: 'local_cancelled' });
        else if (fresh && !seen) return error;
        else enqueue(key, { type: 'local_error', ...describeFailure(error) });
        return null;
      } finally {
        if (active.current === handle) {
          active.current = null;
          if (current()) {
            // The last events land in the same render that ends the stream.
            cancelFrame.current?.();
            flush();
            setBusy(false);
          }
        }
      }
    };

    const actions: Omit<TaskStream, 'turns' | 'busy'> = {
      conversationId: () => conversation.current,

      async send(message, workspace, reasoning) {
        if (active.current) return 'Wait for the current answer, or stop it first.';
        const key = `local-${++localIds}`;
        setTurns((list) => [...list, newTurn(key, message)]);
        const request: ChatRequest = { message, workspace, reasoning, ...(conversation.current ? { conversation_id: conversation.current } : {}) };
        const failure = await run(key, null, (onEvent, signal) => chatStream(request, onEvent, signal), true);
        if (!failure) return null;
        setTurns((list) => list.filter((turn) => turn.key !== key));
        return describeFailure(failure).message;
      },

      async decide(turn, approvalId, decision) {
        if (active.current || !turn.taskId || deciding.has(approvalId)) return;
        deciding.add(approvalId);
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

      async continueTask(turn, approvalId) {
        const taskId = turn.taskId;
        if (active.current || !taskId) return;
        enqueue(turn.key, { type: 'local_status', status: 'running' });
        await run(turn.key, taskId, (onEvent, signal) => continueStream(taskId, approvalId, onEvent, signal));
      },

      submitPassword(turn, approvalId, password) {
        const taskId = turn.taskId;
        if (active.current || !taskId) return;
        enqueue(turn.key, { type: 'local_password_sent' });
        void run(turn.key, taskId, (onEvent, signal) => passwordStream(taskId, approvalId, password, onEvent, signal));
      },

      stop() {
        const running = active.current;
        if (running) {
          running.controller.abort();
          // Hanging up cancels the task; saying so as well covers a proxy that keeps the connection.
          if (running.taskId) api.cancelTask(running.taskId).catch(() => undefined);
          return;
        }
        const waiting = [...turnsNow.current].reverse().find((turn) => turn.taskId && (isPaused(turn.status) || turn.status === 'running'));
        if (!waiting?.taskId) return;
        api.cancelTask(waiting.taskId).then(
          () => enqueue(waiting.key, { type: 'local_cancelled' }),
          (error: unknown) => enqueue(waiting.key, { type: 'local_error', ...describeFailure(error) }),
        );
      },

      reset(next, conversationId) {
        session.current += 1;
        active.current = null;
        queue.current = [];
        cancelFrame.current?.();
        cancelFrame.current = null;
        conversation.current = conversationId;
        setBusy(false);
        setTurns(next);
      },

      replace(turn) {
        setTurns((list) => list.map((t) => (t.key === turn.key ? turn : t)));
      },
    };
    return actions;
  }, []);

  // Unmounting detaches: whatever still streams is ignored here and finishes on the server.
  useEffect(
    () => () => {
      session.current += 1;
      cancelFrame.current?.();
    },
    [],
  );

  return { ...stream, turns, busy };
}
