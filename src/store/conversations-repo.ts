import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

export interface Conversation {
  id: string;
  workspace: string;
  created_at: string;
}

export interface StoredMessage {
  role: 'user' | 'assistant';
  content: string;
  status: string;
  task_id: string | null;
  created_at: string;
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

  addMessage(conversationId: string, taskId: string, role: StoredMessage['role'], content: string, status: string): void {
    this.db
      .prepare('INSERT INTO messages (conversation_id, task_id, role, content, status, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(conversationId, taskId, role, content, status, nowIso());
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
        `SELECT role, content, status, task_id, created_at FROM messages
         WHERE conversation_id = ? AND status = 'completed' ORDER BY id DESC LIMIT ?`,
      )
      .all(conversationId, limit) as StoredMessage[];
    return rows.reverse();
  }
}
