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
  /* 3 */ `
  -- Memory that stays true: edits, supersession and merges are kept as history; the FTS index
  -- moves from the raw text to a stemmed copy (filled in by MemoryRepo, which owns the stemmer),
  -- and a trigram index on the raw text catches what stemming cannot.
  DROP TRIGGER memories_fts_insert;
  DROP TRIGGER memories_fts_delete;
  DROP TRIGGER memories_fts_update;
  DROP TABLE memories_fts;
  ALTER TABLE memories ADD COLUMN stemmed TEXT;
  ALTER TABLE memories ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
  ALTER TABLE memories ADD COLUMN superseded_by TEXT;
  UPDATE memories SET updated_at = created_at;
  CREATE INDEX memories_by_superseded ON memories(superseded_by);
  CREATE VIRTUAL TABLE memories_fts USING fts5(
    stemmed, content = 'memories', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
  );
  -- Every row must be in an external-content index before a trigger may 'delete' it from there.
  INSERT INTO memories_fts(memories_fts) VALUES ('rebuild');
  CREATE VIRTUAL TABLE memories_fts_vocab USING fts5vocab(memories_fts, 'row');
  CREATE VIRTUAL TABLE memories_tri USING fts5(text, content = 'memories', content_rowid = 'rowid', tokenize = 'trigram remove_diacritics 1');
  INSERT INTO memories_tri(memories_tri) VALUES ('rebuild');
  CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts(rowid, stemmed) VALUES (new.rowid, new.stemmed);
    INSERT INTO memories_tri(rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, stemmed) VALUES ('delete', old.rowid, old.stemmed);
    INSERT INTO memories_tri(memories_tri, rowid, text) VALUES ('delete', old.rowid, old.text);
  END;
  CREATE TRIGGER memories_fts_update AFTER UPDATE OF text, stemmed ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, stemmed) VALUES ('delete', old.rowid, old.stemmed);
    INSERT INTO memories_tri(memories_tri, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO memories_fts(rowid, stemmed) VALUES (new.rowid, new.stemmed);
    INSERT INTO memories_tri(rowid, text) VALUES (new.rowid, new.text);
  END;

  CREATE TABLE memory_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    memory_id TEXT NOT NULL,
    action TEXT NOT NULL,
    text TEXT NOT NULL,
    related_id TEXT,
    task_id TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX memory_history_by_memory ON memory_history(memory_id, id);

  -- Embeddings when the model server offers them; absent vectors just mean lexical-only recall.
  CREATE TABLE memory_vectors (
    memory_id TEXT PRIMARY KEY REFERENCES memories(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
  );

  -- Lessons are found again by the task they came from, so keep its message and workspace.
  ALTER TABLE experience ADD COLUMN task_message TEXT NOT NULL DEFAULT '';
  ALTER TABLE experience ADD COLUMN workspace TEXT;
  ALTER TABLE experience ADD COLUMN stemmed TEXT;
  UPDATE experience SET
    task_message = COALESCE((SELECT message FROM tasks WHERE tasks.id = experience.task_id), ''),
    workspace = (SELECT workspace FROM tasks WHERE tasks.id = experience.task_id);
  CREATE VIRTUAL TABLE experience_fts USING fts5(
    stemmed, content = 'experience', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO experience_fts(experience_fts) VALUES ('rebuild');
  CREATE TRIGGER experience_fts_insert AFTER INSERT ON experience BEGIN
    INSERT INTO experience_fts(rowid, stemmed) VALUES (new.rowid, new.stemmed);
  END;
  CREATE TRIGGER experience_fts_delete AFTER DELETE ON experience BEGIN
    INSERT INTO experience_fts(experience_fts, rowid, stemmed) VALUES ('delete', old.rowid, old.stemmed);
  END;
  CREATE TRIGGER experience_fts_update AFTER UPDATE OF stemmed ON experience BEGIN
    INSERT INTO experience_fts(experience_fts, rowid, stemmed) VALUES ('delete', old.rowid, old.stemmed);
    INSERT INTO experience_fts(rowid, stemmed) VALUES (new.rowid, new.stemmed);
  END;
  `,
  /* 4 */ `
  -- The words the model saw for a user message (its memories and tool results too), so the next
  -- turn's prompt repeats them exactly and a server's prompt cache serves the whole history.
  ALTER TABLE messages ADD COLUMN model_content TEXT;
  `,
  /* 5 */ `
  -- A run of streamed deltas is kept as one row that spans the sequence numbers from first_seq to seq;
  -- parts holds each delta's length, so a follower can resume exactly after any one of them.
  ALTER TABLE task_events ADD COLUMN first_seq INTEGER;
  ALTER TABLE task_events ADD COLUMN parts TEXT;
  `,
  /* 6 */ `
  -- A lesson the critic gives again confirms the one kept instead of adding a copy.
  ALTER TABLE experience ADD COLUMN confirmations INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE experience ADD COLUMN confirmed_at TEXT;
  `,
  /* 7 */ `
  -- Who a memory is about: subject is the phrase (the memory policy's, or read from the text),
  -- about its search terms ("userself", or stems such as "sister olga"). The stemmed index gains
  -- an about column, so a question about the user can look among memories about the user first.
  ALTER TABLE memories ADD COLUMN subject TEXT;
  ALTER TABLE memories ADD COLUMN about TEXT;
  DROP TRIGGER memories_fts_insert;
  DROP TRIGGER memories_fts_delete;
  DROP TRIGGER memories_fts_update;
  DROP TABLE memories_fts_vocab;
  DROP TABLE memories_fts;
  CREATE VIRTUAL TABLE memories_fts USING fts5(
    stemmed, about, content = 'memories', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO memories_fts(memories_fts) VALUES ('rebuild');
  CREATE VIRTUAL TABLE memories_fts_vocab USING fts5vocab(memories_fts, 'col');
  CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts(rowid, stemmed, about) VALUES (new.rowid, new.stemmed, new.about);
    INSERT INTO memories_tri(rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, stemmed, about) VALUES ('delete', old.rowid, old.stemmed, old.about);
    INSERT INTO memories_tri(memories_tri, rowid, text) VALUES ('delete', old.rowid, old.text);
  END;
  CREATE TRIGGER memories_fts_update AFTER UPDATE OF text, stemmed, about ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, stemmed, about) VALUES ('delete', old.rowid, old.stemmed, old.about);
    INSERT INTO memories_tri(memories_tri, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO memories_fts(rowid, stemmed, about) VALUES (new.rowid, new.stemmed, new.about);
    INSERT INTO memories_tri(rowid, text) VALUES (new.rowid, new.text);
  END;
  `,
  /* 8 */ `
  -- Conversations get a title (a person's rename, or one made from the first message) and are
  -- searched by word forms: stemmed copies of titles and messages, indexed by FTS5 (filled in by
  -- ConversationsRepo, which owns the stemmer, for rows that came before).
  ALTER TABLE conversations ADD COLUMN title TEXT;
  ALTER TABLE conversations ADD COLUMN title_source TEXT CHECK (title_source IN ('generated', 'person'));
  ALTER TABLE conversations ADD COLUMN title_stemmed TEXT;
  ALTER TABLE messages ADD COLUMN stemmed TEXT;
  CREATE VIRTUAL TABLE conversations_fts USING fts5(
    title_stemmed, content = 'conversations', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE VIRTUAL TABLE messages_fts USING fts5(
    stemmed, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
  );
  -- Every row must be in an external-content index before a trigger may 'delete' it from there.
  INSERT INTO conversations_fts(conversations_fts) VALUES ('rebuild');
  INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
  CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts(rowid, title_stemmed) VALUES (new.rowid, new.title_stemmed);
  END;
  CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title_stemmed) VALUES ('delete', old.rowid, old.title_stemmed);
  END;
  CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title_stemmed ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title_stemmed) VALUES ('delete', old.rowid, old.title_stemmed);
    INSERT INTO conversations_fts(rowid, title_stemmed) VALUES (new.rowid, new.title_stemmed);
  END;
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, stemmed) VALUES (new.id, new.stemmed);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, stemmed) VALUES ('delete', old.id, old.stemmed);
  END;
  CREATE TRIGGER messages_fts_update AFTER UPDATE OF stemmed ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, stemmed) VALUES ('delete', old.id, old.stemmed);
    INSERT INTO messages_fts(rowid, stemmed) VALUES (new.id, new.stemmed);
  END;

  -- The command audit outlives chats: task_events loses its cascade from tasks, so deleting a
  -- conversation can remove its tasks and their other events while the command_audit rows stay.
  CREATE TABLE task_events_kept (
    task_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    first_seq INTEGER,
    parts TEXT,
    PRIMARY KEY (task_id, seq)
  ) WITHOUT ROWID;
  INSERT INTO task_events_kept (task_id, seq, event_type, payload, created_at, first_seq, parts)
    SELECT task_id, seq, event_type, payload, created_at, first_seq, parts FROM task_events;
  DROP TABLE task_events;
  ALTER TABLE task_events_kept RENAME TO task_events;
  CREATE INDEX task_events_by_type ON task_events(event_type, created_at);
  `,
  `
  -- Issue 16: a question asked once (with ducklm ask) keeps its conversation out of the default list,
  -- until a message sent there as a chat makes it one.
  ALTER TABLE conversations ADD COLUMN one_off INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- Issue 17: rules for file edits in a workspace ('edits') and for one MCP tool with its exact
  -- arguments ('call'); SQLite cannot widen a CHECK, so the table is rebuilt.
  CREATE TABLE rules_widened (
    id TEXT PRIMARY KEY,
    workspace TEXT NOT NULL,
    tool TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('command', 'path', 'edits', 'call')),
    pattern TEXT NOT NULL,
    source_approval_id TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (workspace, tool, kind, pattern)
  );
  INSERT INTO rules_widened SELECT id, workspace, tool, kind, pattern, source_approval_id, created_at FROM rules;
  DROP TABLE rules;
  ALTER TABLE rules_widened RENAME TO rules;

  -- What an approval card showed besides the arguments: the unified diff of a file write or edit.
  ALTER TABLE approvals ADD COLUMN diff TEXT;

  -- Every applied file write or edit, with the bytes it replaced, so that it can be undone exactly.
  -- before_bytes NULL: the change created the file (undo removes it). after_sha256: what the change
  -- left, so an undo can refuse when the file changed since. No cascade from tasks: like the
  -- audit, a change outlives the chat it came from.
  CREATE TABLE file_changes (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    workspace TEXT NOT NULL,
    path TEXT NOT NULL,
    tool TEXT NOT NULL,
    before_bytes BLOB,
    after_sha256 TEXT NOT NULL,
    diff TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undone_at TEXT
  );
  CREATE INDEX file_changes_by_task ON file_changes(task_id, created_at);
  `,
  `
  -- Whether "always allow" would make a rule for the request: said as a field, so clients never
  -- read it out of the reason's words. NULL on approvals asked before.
  ALTER TABLE approvals ADD COLUMN always_offered INTEGER;
  `,
];
