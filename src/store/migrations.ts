/** Numbered schema migrations; the database's `user_version` records how many have run. */
export const MIGRATIONS: readonly string[] = [
  /* 1 */ `
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    workspace TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    task_id TEXT,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX messages_by_conversation ON messages(conversation_id, id);

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    workspace TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE task_events (
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX task_events_by_type ON task_events(event_type, created_at);

  CREATE TABLE approvals (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    tool TEXT NOT NULL,
    args TEXT NOT NULL,
    reason TEXT NOT NULL,
    risk_level TEXT NOT NULL,
    action_type TEXT NOT NULL,
    needs_password INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'allowed', 'denied', 'used')),
    created_at TEXT NOT NULL,
    decided_at TEXT
  );
  CREATE INDEX approvals_by_status ON approvals(status, created_at);

  CREATE TABLE memories (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    memory_type TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('global', 'workspace', 'conversation')),
    workspace TEXT,
    conversation_id TEXT,
    importance REAL NOT NULL,
    metadata TEXT NOT NULL,
    source_task_id TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX memories_by_scope ON memories(scope, workspace, conversation_id);
  CREATE VIRTUAL TABLE memories_fts USING fts5(
    text, content = 'memories', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts(rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  END;
  CREATE TRIGGER memories_fts_update AFTER UPDATE OF text ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO memories_fts(rowid, text) VALUES (new.rowid, new.text);
  END;

  CREATE TABLE experience (
    id TEXT PRIMARY KEY,
    task_id TEXT,
    lesson TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  /* 2 */ `
  CREATE TABLE rules (
    id TEXT PRIMARY KEY,
    workspace TEXT NOT NULL,
    tool TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('command', 'path')),
    pattern TEXT NOT NULL,
    source_approval_id TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (workspace, tool, kind, pattern)
  );
  `,
];
