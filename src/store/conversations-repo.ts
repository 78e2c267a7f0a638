import { stemmedText } from '../memory/text.js';
import { generatedTitle } from './conversation-title.js';
import { searchConversations } from './conversation-search.js';
import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

export interface Conversation {
  id: string;
  workspace: string;
  created_at: string;
  /** Null until the first user message gives one, or a person names it. */
  title: string | null;
  /** Who named it: made from the first message, or a person (whose name is never replaced). */
  title_source: 'generated' | 'person' | null;
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
}

/** A conversation found by a search: where it matched and how well. */
export interface ConversationMatch extends ConversationSummary {
  score: number;
  /** A short piece of the best matching message, as written; null when only the title matched. */
  snippet: string | null;
}

/** Why a conversation cannot be deleted now: its unfinished tasks. */
export type DeleteOutcome = { deleted: true } | { deleted: false; reason: 'not_found' } | { deleted: false; reason: 'unfinished'; tasks: { id: string; status: string }[] };

const SUMMARY_SELECT = `SELECT c.id, c.workspace, c.created_at,
         COALESCE((SELECT MAX(m.created_at) FROM messages m WHERE m.conversation_id = c.id), c.created_at) AS updated_at,
         COALESCE(c.title, '') AS title,
         (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count
       FROM conversations c`;

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
  constructor(private readonly db: Db) {
    this.backfill();
  }

  create(workspace: string): Conversation {
    const row = { id: newId('conv'), workspace, created_at: nowIso(), title: null, title_source: null };
    this.db.prepare('INSERT INTO conversations (id, workspace, created_at) VALUES (@id, @workspace, @created_at)').run(row);
    return row;
  }

  get(id: string): Conversation | undefined {
    return this.db.prepare('SELECT id, workspace, created_at, title, title_source FROM conversations WHERE id = ?').get(id) as Conversation | undefined;
  }

  summary(id: string): ConversationSummary | undefined {
    return this.db.prepare(`${SUMMARY_SELECT} WHERE c.id = ?`).get(id) as ConversationSummary | undefined;
  }

  /** Most recently active first; `workspace` narrows to one workspace. */
  list(limit: number, workspace?: string): ConversationSummary[] {
    return this.db
      .prepare(`${SUMMARY_SELECT} WHERE (@workspace IS NULL OR c.workspace = @workspace) ORDER BY updated_at DESC, c.rowid DESC LIMIT @limit`)
      .all({ workspace: workspace ?? null, limit }) as ConversationSummary[];
  }

  /** Titles and message text searched by word forms, best match first; every workspace unless one is given. */
  search(q: string, limit: number, workspace?: string): ConversationMatch[] {
    return searchConversations(this.db, q, limit, workspace).flatMap((hit) => {
      const summary = this.summary(hit.id);
      return summary ? [{ ...summary, score: hit.score, snippet: hit.snippet }] : [];
    });
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
   * A conversation with a task running or waiting for the person is left alone.
   */
  delete(id: string): DeleteOutcome {
    return this.db.transaction((): DeleteOutcome => {
      if (!this.get(id)) return { deleted: false, reason: 'not_found' };
      const unfinished = this.db
        .prepare(`SELECT id, status FROM tasks WHERE conversation_id = ? AND status IN ('running', 'waiting_for_approval', 'waiting_for_password')`)
        .all(id) as { id: string; status: string }[];
      if (unfinished.length) return { deleted: false, reason: 'unfinished', tasks: unfinished };
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

  messages(conversationId: string): StoredMessage[] {
    return this.db
      .prepare('SELECT role, content, status, task_id, created_at FROM messages WHERE conversation_id = ? ORDER BY id')
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
