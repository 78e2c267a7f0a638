import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

export interface Conversation {
  id: string;
  workspace: string;
  created_at: string;
}

/** One line of the conversations list: enough to show and pick it. */
export interface ConversationSummary {
  id: string;
  workspace: string;
  created_at: string;
  updated_at: string;
  /** The first thing the person asked, as the list's title. */
  title: string;
  message_count: number;
}

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
  constructor(private readonly db: Db) {}

  create(workspace: string): Conversation {
    const row = { id: newId('conv'), workspace, created_at: nowIso() };
    this.db.prepare('INSERT INTO conversations (id, workspace, created_at) VALUES (@id, @workspace, @created_at)').run(row);
    return row;
  }

  get(id: string): Conversation | undefined {
    return this.db.prepare('SELECT id, workspace, created_at FROM conversations WHERE id = ?').get(id) as Conversation | undefined;
  }

  /** Most recently active first; `workspace` narrows to one workspace. */
  list(limit: number, workspace?: string): ConversationSummary[] {
    return this.db
      .prepare(
        `SELECT c.id, c.workspace, c.created_at,
                COALESCE(MAX(m.created_at), c.created_at) AS updated_at,
                COALESCE((SELECT content FROM messages f WHERE f.conversation_id = c.id AND f.role = 'user' ORDER BY f.id LIMIT 1), '') AS title,
                COUNT(m.id) AS message_count
         FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
         WHERE (@workspace IS NULL OR c.workspace = @workspace)
         GROUP BY c.id ORDER BY updated_at DESC, c.rowid DESC LIMIT @limit`,
      )
      .all({ workspace: workspace ?? null, limit })
      .map((row) => {
        const summary = row as ConversationSummary;
        return { ...summary, title: summary.title.length > 120 ? `${summary.title.slice(0, 119)}…` : summary.title };
      });
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
    this.db
      .prepare('INSERT INTO messages (conversation_id, task_id, role, content, status, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(conversationId, taskId, role, content, status, nowIso());
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
