import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { Composer } from './composer.js';
import { EmptyState } from './empty-state.js';
import { loadConversation } from './history.js';
import { MessageList, type TurnActions } from './message-list.js';
import { PasswordDialog } from './password-dialog.js';
import { canRetry } from './replace-turns.js';
import { decisionForKey, pendingApproval, sendGate } from './send-gate.js';
import { StageLine } from './stage-line.js';
import { isPaused, offerFor, type Turn } from './turn-model.js';
import { useConversationWatch } from './use-conversation-watch.js';
import { describeFailure, useTaskStream } from './use-task-stream.js';
import { useStickToBottom } from './use-stick-to-bottom.js';
import './chat.css';

export interface ChatViewProps {
  workspace: string;
  /** The conversation shown; null starts a new one with the next message. */
  conversationId: string | null;
  /** A turn created or advanced a conversation: the shell selects it and refreshes the list. */
  onConversationChanged(id: string): void;
}

/** Only the on/off choice is kept; nothing typed ever goes to storage. */
const REASONING_KEY = 'ducklm.reasoning';

const passwordKey = (turn: Turn) => (turn.password ? `${turn.password.approvalId}:${turn.password.attempt}` : '');

export function ChatView({ workspace, conversationId, onConversationChanged }: ChatViewProps) {
  const stream = useTaskStream(onConversationChanged);
  const { turns, busy, following, reconnecting } = stream;
  const [draft, setDraft] = useState('');
  const [startError, setStartError] = useState<string | null>(null);
  // Loading from the first render, so that nothing can be sent into a conversation not yet shown.
  const [loading, setLoading] = useState(conversationId !== null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // A task started in this conversation elsewhere (another tab, the terminal) shows up here live.
  useConversationWatch(loading ? null : conversationId, (event) => stream.taskStarted(event.task_id, event.message, event.replaces));
  const [reasoning, setReasoning] = useState(() => localStorage.getItem(REASONING_KEY) !== 'off');
  const [dismissedPrompt, setDismissedPrompt] = useState<string | null>(null);
  /** The user message being edited (at most one), and its text so far: kept if sending it fails. */
  const [edit, setEdit] = useState<{ key: string; text: string } | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useStickToBottom(scroller, turns);

  // A conversation picked elsewhere (not the one this view's own turn just created) is loaded.
  useEffect(() => {
    if (conversationId === stream.conversationId()) return;
    stream.reset([], conversationId);
    setStartError(null);
    setLoadError(null);
    setEdit(null);
    if (conversationId === null) return;
    let live = true;
    setLoading(true);
    loadConversation(conversationId)
      .then(({ turns: loaded }) => live && stream.reset(loaded, conversationId))
      .catch((error: unknown) => live && setLoadError(describeFailure(error).message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [conversationId]);

  const last = turns.at(-1);

  const promptTurn = !busy ? [...turns].reverse().find((t) => t.password && t.status === 'waiting_for_password' && passwordKey(t) !== dismissedPrompt) : undefined;
  const canStop = busy || Boolean(last && last.taskId && (isPaused(last.status) || last.status === 'running'));
  const gate = sendGate({ turns, busy, loading });
  const asking = busy ? null : pendingApproval(turns);

  // Focus goes back to the message box after each turn (not while the password dialog asks). An
  // approval that waits takes the focus instead, so its one-letter shortcuts work at once.
  useEffect(() => {
    if (busy || promptTurn || loading) return;
    const card = asking && scroller.current?.querySelector<HTMLElement>(`[data-approval-id="${CSS.escape(asking.item.id)}"]`);
    if (card) card.focus();
    else textarea.current?.focus();
  }, [busy, loading, Boolean(promptTurn), asking?.item.id]);

  // Keyboard approval: O allow once, A always allow, D deny (see send-gate.ts for when they count).
  useEffect(() => {
    if (!asking) return;
    const onKey = (event: KeyboardEvent) => {
      const decision = decisionForKey(event);
      if (!decision || (decision === 'allow_always' && !offerFor(asking.item))) return;
      event.preventDefault();
      void stream.decide(asking.turn, asking.item.id, decision);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [asking?.turn, asking?.item]);

  // Back at the page (another tab, the terminal): changes undone there meanwhile read as undone here.
  useEffect(() => {
    const refresh = () => document.visibilityState === 'visible' && void stream.refreshChanges();
    window.addEventListener('focus', refresh);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, []);

  const stop = useCallback(() => stream.stop(), []);
  useEffect(() => {
    if (!canStop) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      // Esc in a dialog closes the dialog; it does not stop the task.
      if (event.target instanceof Element && event.target.closest('dialog, [role="dialog"]')) return;
      event.preventDefault();
      stop();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [canStop]);

  /** Every way of sending (the composer, Retry, an edit) goes through the gate and here. */
  const start = (message: string, replaces?: Turn) => {
    setStartError(null);
    stick();
    return stream.send(message, workspace, reasoning ? 'on' : 'off', replaces?.taskId ?? undefined);
  };

  const send = async () => {
    const message = draft.trim();
    if (!message || !gate.open) return;
    setDraft('');
    const failure = await start(message);
    if (failure) {
      // The request never started: the person gets their text back, and the reason.
      setDraft((current) => current || message);
      setStartError(failure);
    }
  };

  const retry = async (turn: Turn) => {
    if (!gate.open || !canRetry(turn, turns)) return;
    setEdit(null);
    const failure = await start(turn.userText, turn);
    if (failure) setStartError(failure);
  };

  const sendEdit = async () => {
    const turn = edit && turns.find((t) => t.key === edit.key);
    const message = edit?.text.trim();
    if (!turn || !message || !gate.open) return;
    setEdit(null);
    const failure = await start(message, turn);
    // Refused (busy elsewhere, gone, offline): the turns are back, and so is the box with the text.
    if (failure) {
      setEdit((current) => current ?? { key: turn.key, text: edit.text });
      setStartError(failure);
    }
  };

  const setReasoningChoice = (on: boolean) => {
    setReasoning(on);
    localStorage.setItem(REASONING_KEY, on ? 'on' : 'off');
  };

  const actions: TurnActions = {
    canAct: !busy,
    onDecide: (turn, approvalId, decision) => void stream.decide(turn, approvalId, decision),
    onContinue: (turn, approvalId) => void stream.continueTask(turn, approvalId),
    onOpenPassword: () => setDismissedPrompt(null),
    onUndo: (turn, changeId) => void stream.undo(turn, changeId),
    replace: { hidden: busy || loading, closed: gate.open ? null : gate.message },
    onRetry: (turn) => void retry(turn),
    edit,
    onEdit: (turn) => {
      setStartError(null);
      setEdit({ key: turn.key, text: turn.userText });
    },
    onEditInput: (text) => setEdit((current) => current && { ...current, text }),
    onEditSend: () => void sendEdit(),
    onEditCancel: () => {
      setEdit(null);
      textarea.current?.focus();
    },
  };

  return (
    <section class="chat" data-testid="chat" aria-label="Chat">
      <div class="chat-scroll" ref={scroller}>
        {loading && <p class="muted chat-loading">Loading the conversation…</p>}
        {loadError && (
          <p class="inline-error" role="alert" data-testid="load-error">
            This conversation could not be loaded: {loadError}
          </p>
        )}
        {!loading && !loadError && turns.length === 0 && (
          <EmptyState
            workspace={workspace}
            onSuggest={(text) => {
              setDraft(text);
              textarea.current?.focus();
            }}
            onOpen={onConversationChanged}
          />
        )}
        {turns.length > 0 && <MessageList turns={turns} busy={busy} actions={actions} />}
      </div>
      <div class="chat-footer">
        <StageLine turn={last} remote={following} reconnecting={reconnecting} />
        {startError && (
          <p class="inline-error start-error" role="alert" data-testid="chat-error">
            {startError}
          </p>
        )}
        <Composer
          value={draft}
          onInput={setDraft}
          onSend={() => void send()}
          onStop={stop}
          busy={busy}
          canStop={canStop}
          disabled={loading}
          gate={gate}
          reasoning={reasoning}
          onReasoning={setReasoningChoice}
          textarea={textarea}
        />
      </div>
      {promptTurn?.password && (
        <PasswordDialog
          key={passwordKey(promptTurn)}
          request={promptTurn.password}
          onSubmit={(password) => stream.submitPassword(promptTurn, promptTurn.password!.approvalId, password)}
          onDismiss={() => setDismissedPrompt(passwordKey(promptTurn))}
        />
      )}
    </section>
  );
}
