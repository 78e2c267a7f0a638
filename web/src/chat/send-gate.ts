import { isPaused, offerFor, type ApprovalItem, type Decision, type Turn } from './turn-model.js';

/**
 * Whether a message may be sent now, and if not, why. The one rule behind the Send button, Enter
 * and every other way into `send`: a message sent past a pending approval or password would
 * strand it, so nothing is sent while one waits.
 */
export type SendGate = { open: true } | { open: false; why: 'loading' | 'busy' | 'approval' | 'password'; message: string | null };

export function sendGate({ turns, busy, loading }: { turns: Turn[]; busy: boolean; loading: boolean }): SendGate {
  if (loading) return { open: false, why: 'loading', message: 'Loading the conversation…' };
  // A running stream shows Stop instead; the stage line already says what it does.
  if (busy) return { open: false, why: 'busy', message: null };
  const paused = turns.find((t) => isPaused(t.status));
  if (paused?.status === 'waiting_for_password') {
    return { open: false, why: 'password', message: 'Waiting for the sudo password above: enter it, or Stop the task, before sending.' };
  }
  if (paused) {
    const asking = pendingApproval(turns);
    return { open: false, why: 'approval', message: `Waiting for your approval above: ${shortcutHint(!asking || offerFor(asking.item) !== null)}, or Stop the task, before sending.` };
  }
  return { open: true };
}

/** The approval shortcuts, the same letters as `ducklm chat` asks with (once, always, deny). */
export const APPROVAL_KEYS: Record<Decision, { key: string; label: string }> = {
  allow_once: { key: 'o', label: 'allow once' },
  allow_always: { key: 'a', label: 'always allow' },
  deny: { key: 'd', label: 'deny' },
};

/** For aria-keyshortcuts: the bare letter outside text fields, Alt+Shift+letter anywhere. */
export const ariaShortcut = (decision: Decision) => {
  const { key } = APPROVAL_KEYS[decision];
  return `${key} Alt+Shift+${key.toUpperCase()}`;
};

/** The keys, A only where the card offers "always". */
const shortcutHint = (always: boolean) => `press O to allow once, ${always ? 'A to always allow, ' : ''}D to deny (Alt+Shift with them while typing)`;

/** The approval the page's shortcuts act on: the first one still undecided. */
export function pendingApproval(turns: Turn[]): { turn: Turn; item: ApprovalItem } | null {
  for (const turn of turns) {
    if (turn.status !== 'waiting_for_approval') continue;
    const item = turn.items.find((i): i is ApprovalItem => i.kind === 'approval' && i.state === 'pending');
    if (item) return { turn, item };
  }
  return null;
}

const TEXT_INPUT = 'input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), textarea, select, [contenteditable]:not([contenteditable=false])';

/**
 * The decision a key press asks for, or null. A bare letter counts only when focus is not in a
 * text field (so typing never decides); Alt+Shift+letter counts anywhere, the composer included.
 * Never inside a dialog, and never with Ctrl or Meta (the browser's own shortcuts).
 */
export function decisionForKey(event: KeyboardEvent): Decision | null {
  if (event.defaultPrevented || event.repeat || event.isComposing || event.ctrlKey || event.metaKey) return null;
  const target = event.target instanceof Element ? event.target : null;
  if (target?.closest('dialog, [role="dialog"]')) return null;
  const inText = Boolean(target?.closest(TEXT_INPUT));
  const chord = event.altKey && event.shiftKey;
  if (!chord && (event.altKey || inText)) return null;
  if (!chord && event.shiftKey) return null;
  // By physical key with Alt (which changes the character on some layouts), else by character.
  const letter = chord ? (event.code.startsWith('Key') ? event.code.slice(3).toLowerCase() : '') : event.key.toLowerCase();
  for (const [decision, { key }] of Object.entries(APPROVAL_KEYS) as Array<[Decision, { key: string }]>) {
    if (key === letter) return decision;
  }
  return null;
}
