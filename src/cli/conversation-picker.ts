import type { ApiClient } from './client/api-client.js';
import type { ConsoleInput } from './console-input.js';
import { inert } from './inert.js';
import { plural } from './render-events.js';
import { localTime } from './table.js';
import type { TextOut } from './text-out.js';

/** How many recent conversations the picker offers: one screen, one or two digits. */
const OFFERED = 9;
const TITLE_CHARS = 60;

/** A conversation as `GET /v1/conversations` lists it. */
interface ListedConversation {
  id: string;
  updated_at: string;
  /** The first thing the person asked (or the title the server gave it). */
  title: string;
  message_count: number;
  /** Asked with `ducklm ask`: the page leaves these out of its list; the terminal marks them. */
  one_off?: boolean;
}

/** The conversation chosen (null: the workspace has none), or `quit` (Ctrl-C or Ctrl-D at the question). */
export type Pick = { id: string | null } | 'quit';

/**
 * `ducklm chat --resume` without an id: on a terminal, when the workspace has more than one
 * conversation, they are listed, newest first and numbered, and the person picks one (Enter: the
 * newest). Elsewhere, or with one or none, the newest is taken, as before.
 */
export async function pickConversation(api: ApiClient, workspace: string, input: ConsoleInput, out: TextOut): Promise<Pick> {
  // Questions asked with `ducklm ask` are offered too: the terminal is where they were asked.
  const { conversations } = await api.get<{ conversations: ListedConversation[] }>('/v1/conversations', { workspace, kind: 'all', limit: input.terminal ? OFFERED : 1 });
  if (conversations.length <= 1 || !input.terminal) return { id: conversations[0]?.id ?? null };
  const { dim, bold, yellow } = out.style;
  out.line(dim('Recent conversations in this workspace:'));
  conversations.forEach((c, i) => {
    out.line(`  ${bold(String(i + 1))}  ${inert(shortTitle(c.title))}  ${dim(`${plural(c.message_count, 'message')} · ${c.one_off ? 'asked once · ' : ''}${localTime(c.updated_at)}`)}`);
  });
  for (;;) {
    const reply = await input.readLine(`Which one? [1-${conversations.length}, Enter: 1] › `, { remember: false });
    if (reply.kind !== 'line') return 'quit';
    const answer = reply.text.trim();
    const n = answer === '' ? 1 : Number(answer);
    const chosen = Number.isInteger(n) ? conversations[n - 1] : undefined;
    if (chosen) return { id: chosen.id };
    out.line(yellow(`A number from 1 to ${conversations.length}, please.`));
  }
}

/** On one line, and short enough for the list: the whole message is shown once resumed. */
function shortTitle(title: string): string {
  const line = title.replace(/\s+/g, ' ').trim() || '(no message)';
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}
