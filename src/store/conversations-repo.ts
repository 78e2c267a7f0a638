import { ConflictError, NotFoundError } from '../errors.js';
import { stemmedText } from '../memory/text.js';
import { generatedTitle } from './conversation-title.js';
import { searchConversations } from './conversation-search.js';
import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';
import type { TasksRepo } from './tasks-repo.js';

export interface Conversation {
  id: string;
  workspace: string;
  created_at: string;
  /** Null until the first user message gives one, or a person names it. */
  title: string | null;
  /** Who named it: made from the first message, or a person (whose name is never replaced). */
  title_source: 'generated' | 'person' | null;
  /** Asked once (`ducklm ask`): left out of the default list until someone chats in it. */
  one_off: boolean;
}

/** One line of the conversations list: enough to show and pick it. */
export interface ConversationSummary {
  id: string;
  workspace: string;
  created_at: string;
  updated_at: string;
  /** A person's name for it, or one made from the first message ("" before there is one). */
  title: string;
  message_count: number;
  one_off: boolean;
}

/** A conversation found by a search: where it matched and how well. */
export interface ConversationMatch extends ConversationSummary {
  score: number;
  /** A short piece of the best matching message, as written; null when only the title matched. */
  snippet: string | null;
}

/** Which conversations a list shows: chats (the default list), one-off questions, or both. */
export type ConversationKind = 'chat' | 'one_off' | 'all';

/** A task of the conversation that is not finished: running, or paused for the person. */
export interface UnfinishedTask {
  id: string;
  status: string;
}

/**
 * Nothing more happens in a conversation while one of its tasks runs or waits for the person:
 * a new message would be answered without it, and a delete would pull it away. `then` says what
 * the person can do once it is over.
 */
export function conversationBusy(tasks: UnfinishedTask[], then: string): ConflictError {
  const task = tasks[0]!;
  const what = task.status === 'running' ? 'is still running' : 'waits for your decision';
  const details = { tasks: tasks.map(({ id, status }) => ({ id, status })) };
  return new ConflictError(`A task in this conversation ${what} (${task.id}); stop it or answer it first, then ${then}.`, 'conversation_busy', details);
}

/** Why a conversation cannot be deleted now: its unfinished tasks. */
export type DeleteOutcome = { deleted: true } | { deleted: false; reason: 'not_found' } | { deleted: false; reason: 'unfinished'; tasks: UnfinishedTask[] };

const SUMMARY_SELECT = `SELECT c.id, c.workspace, c.created_at,
         COALESCE((SELECT MAX(m.created_at) FROM messages m WHERE m.conversation_id = c.id), c.created_at) AS updated_at,
         COALESCE(c.title, '') AS title,
         (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.status <> 'replaced') AS message_count,
         c.one_off = 1 AS one_off
       FROM conversations c`;

const KIND_WHERE: Record<ConversationKind, string> = { chat: 'c.one_off = 0', one_off: 'c.one_off = 1', all: '1' };

/** SQLite gives 0 and 1; the API says false and true. */
const withBoolean = <T extends { one_off: unknown }>(row: T): T => ({ ...row, one_off: row.one_off === 1 || row.one_off === true });

export interface StoredMessage {
  role: 'user' | 'assistant';
  content: string;
  status: string;
  task_id: string | null;
  created_at: string;
  /** What the model saw for this message, when it differs from what the person wrote. */
  model_content?: string | null;
}

export class ConversationsRepo {
  constructor(
    private readonly db: Db,
    /** Whose tasks are unfinished: a conversation with one is neither deleted nor sent to. */
    private readonly tasks: TasksRepo,
  ) {
    this.backfill();
  }

  create(workspace: string, oneOff = false): Conversation {
    const row = { id: newId('conv'), workspace, created_at: nowIso(), title: null, title_source: null, one_off: oneOff };
    this.db.prepare('INSERT INTO conversations (id, workspace, created_at, one_off) VALUES (?, ?, ?, ?)').run(row.id, workspace, row.created_at, oneOff ? 1 : 0);
    return row;
  }

  get(id: string): Conversation | undefined {
    const row = this.db.prepare('SELECT id, workspace, created_at, title, title_source, one_off FROM conversations WHERE id = ?').get(id) as Conversation | undefined;
    return row && withBoolean(row);
  }

  summary(id: string): ConversationSummary | undefined {
    const row = this.db.prepare(`${SUMMARY_SELECT} WHERE c.id = ?`).get(id) as ConversationSummary | undefined;
    return row && withBoolean(row);
  }

  /** Most recently active first; `workspace` narrows to one workspace, `kind` to chats or one-off questions. */
  list(limit: number, workspace?: string, kind: ConversationKind = 'chat'): ConversationSummary[] {
    const rows = this.db
      .prepare(
        `${SUMMARY_SELECT} WHERE (@workspace IS NULL OR c.workspace = @workspace) AND ${KIND_WHERE[kind]}
         ORDER BY updated_at DESC, c.rowid DESC LIMIT @limit`,
      )
      .all({ workspace: workspace ?? null, limit }) as ConversationSummary[];
    return rows.map(withBoolean);
  }

  /** Titles and message text searched by word forms, best match first; every workspace unless one is given. */
  search(q: string, limit: number, workspace?: string, kind: ConversationKind = 'all'): ConversationMatch[] {
    return searchConversations(this.db, q, kind === 'all' ? limit : Math.max(limit * 4, 100), workspace)
      .flatMap((hit) => {
        const summary = this.summary(hit.id);
        return summary && (kind === 'all' || summary.one_off === (kind === 'one_off')) ? [{ ...summary, score: hit.score, snippet: hit.snippet }] : [];
      })
      .slice(0, limit);
  }

  /** A message sent as part of a chat makes a one-off question's conversation a chat. */
  keepAsChat(id: string): void {
    this.db.prepare('UPDATE conversations SET one_off = 0 WHERE id = ? AND one_off = 1').run(id);
  }

  /**
   * Retry and edit-and-resend: the exchange of `taskId` (its user message and answer) and every
   * later message of the conversation are marked `replaced`. They stay stored (and their tasks'
   * logs and the command audit with them) but leave the conversation as shown, searched, and seen
   * by the model. A title made from a replaced first message is made again from the new one.
   */
  replaceFrom(conversationId: string, taskId: string): void {
    this.db.transaction(() => {
      const first = this.db
        .prepare(`SELECT MIN(id) AS id FROM messages WHERE conversation_id = ? AND task_id = ? AND status <> 'replaced'`)
        .get(conversationId, taskId) as { id: number | null };
      if (first.id === null) throw new NotFoundError(`Conversation ${conversationId} has no exchange of task ${taskId} to replace.`);
      this.db.prepare(`UPDATE messages SET status = 'replaced' WHERE conversation_id = ? AND id >= ?`).run(conversationId, first.id);
      const kept = this.db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND role = 'user' AND status <> 'replaced'`).get(conversationId) as { n: number };
      if (!kept.n) this.db.prepare(`UPDATE conversations SET title = NULL, title_stemmed = NULL, title_source = NULL WHERE id = ? AND title_source = 'generated'`).run(conversationId);
    })();
  }

  /** A person names the conversation; that name is kept over any made from a message. Null when unknown. */
  rename(id: string, title: string): ConversationSummary | undefined {
    const changed = this.db
      .prepare(`UPDATE conversations SET title = ?, title_source = 'person', title_stemmed = ? WHERE id = ?`)
      .run(title, stemmedText(title), id).changes;
    return changed ? this.summary(id) : undefined;
  }

  /**
   * Deletes the conversation, its messages, its tasks with their approvals and events, except the
   * command audit's rows: the audit outlives chats (migration 8 keeps task_events apart from tasks).
   * A conversation with a task running or waiting for the person is left alone. `alsoDelete`
   * runs in the same transaction (the memories only this conversation could see).
   */
  delete(id: string, alsoDelete: () => void = () => {}): DeleteOutcome {
    return this.db.transaction((): DeleteOutcome => {
      if (!this.get(id)) return { deleted: false, reason: 'not_found' };
      const unfinished = this.tasks.unfinishedOf(id);
      if (unfinished.length) return { deleted: false, reason: 'unfinished', tasks: unfinished };
      alsoDelete();
      this.db
        .prepare(`DELETE FROM task_events WHERE event_type <> 'command_audit' AND task_id IN (SELECT id FROM tasks WHERE conversation_id = ?)`)
        .run(id);
      this.db.prepare('DELETE FROM approvals WHERE task_id IN (SELECT id FROM tasks WHERE conversation_id = ?)').run(id);
      this.db.prepare('DELETE FROM tasks WHERE conversation_id = ?').run(id);
      this.db.prepare('DELETE FROM messages WHERE conversation_id = ?').run(id);
      this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id);
      return { deleted: true };
    })();
  }

  /** The workspaces chats have used, most recent first. */
  recentWorkspaces(limit: number): { path: string; last_used: string }[] {
    return this.db
      .prepare(
        `SELECT c.workspace AS path, MAX(COALESCE(m.created_at, c.created_at)) AS last_used
         FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
         GROUP BY c.workspace ORDER BY last_used DESC LIMIT ?`,
      )
      .all(limit) as { path: string; last_used: string }[];
  }

  addMessage(conversationId: string, taskId: string, role: StoredMessage['role'], content: string, status: string): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO messages (conversation_id, task_id, role, content, status, created_at, stemmed) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(conversationId, taskId, role, content, status, nowIso(), stemmedText(content));
      // The first user message names the conversation at once, without a model and without waiting.
      if (role === 'user') this.giveTitle(conversationId, content);
    })();
  }

  /** A title a model made from the first exchange; a person's title is never replaced. True when kept. */
  retitle(id: string, title: string): boolean {
    return (
      this.db
        .prepare(`UPDATE conversations SET title = ?, title_source = 'generated', title_stemmed = ? WHERE id = ? AND (title_source IS NULL OR title_source = 'generated')`)
        .run(title, stemmedText(title), id).changes === 1
    );
  }

  /** A title made from `message`, unless the conversation already has one. */
  private giveTitle(conversationId: string, message: string): void {
    const title = generatedTitle(message);
    if (!title) return;
    this.db
      .prepare(`UPDATE conversations SET title = ?, title_source = 'generated', title_stemmed = ? WHERE id = ? AND title IS NULL`)
      .run(title, stemmedText(title), conversationId);
  }

  /** Rows from before migration 8: titles from their first user message, stemmed text for search. Once. */
  private backfill(): void {
    const untitled = this.db
      .prepare(
        `SELECT c.id, (SELECT content FROM messages f WHERE f.conversation_id = c.id AND f.role = 'user' ORDER BY f.id LIMIT 1) AS first
         FROM conversations c WHERE c.title IS NULL`,
      )
      .all() as { id: string; first: string | null }[];
    const unstemmed = this.db.prepare('SELECT id, content FROM messages WHERE stemmed IS NULL').all() as { id: number; content: string }[];
    if (!unstemmed.length && !untitled.some((c) => c.first)) return;
    const stem = this.db.prepare('UPDATE messages SET stemmed = ? WHERE id = ?');
    this.db.transaction(() => {
      unstemmed.forEach((m) => stem.run(stemmedText(m.content), m.id));
      untitled.forEach((c) => c.first && this.giveTitle(c.id, c.first));
    })();
  }

  /** Keeps the words the model saw for a task's user message (see migration 4). */
  setModelContent(taskId: string, modelContent: string): void {
    this.db.prepare("UPDATE messages SET model_content = ? WHERE task_id = ? AND role = 'user'").run(modelContent, taskId);
  }

  /** The conversation as shown: replaced exchanges left out. */
  messages(conversationId: string): StoredMessage[] {
    return this.db
      .prepare(`SELECT role, content, status, task_id, created_at FROM messages WHERE conversation_id = ? AND status <> 'replaced' ORDER BY id`)
      .all(conversationId) as StoredMessage[];
  }

  /** The last `limit` completed messages, oldest first: the history a new turn sees. */
  history(conversationId: string, limit: number): StoredMessage[] {
    const rows = this.db
      .prepare(
        `SELECT role, content, status, task_id, created_at, model_content FROM messages
         WHERE conversation_id = ? AND status = 'completed' ORDER BY id DESC LIMIT ?`,
      )
      .all(conversationId, limit) as StoredMessage[];
    return rows.reverse();
  }
}
