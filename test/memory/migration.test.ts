import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lexicalCandidates } from '../../src/memory/candidates.js';
import { findLessons } from '../../src/memory/lessons.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { afterThisTest, tempDir } from '../support/temp-dir.js';

describe('migrations 3 to 7 on a store written before them', () => {
  it('keeps every memory and lesson, stems them once, and they are found by word forms', () => {
    const path = join(tempDir(), 'old.sqlite3');
    const old = new Database(path);
    for (const sql of MIGRATIONS.slice(0, 2)) old.exec(sql);
    old.pragma('user_version = 2');
    old.exec(`INSERT INTO conversations VALUES ('conv_1', '/ws', '2025-01-01T00:00:00.000Z');
      INSERT INTO tasks VALUES ('task_1', 'conv_1', '/ws', 'Run the deploy script for staging.', 'completed', '{}', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
      INSERT INTO memories (id, text, memory_type, scope, workspace, conversation_id, importance, metadata, source_task_id, created_at)
        VALUES ('mem_1', 'Пользователя зовут Владимир.', 'fact', 'global', NULL, NULL, 0.8, '{}', NULL, '2025-01-02T00:00:00.000Z');
      INSERT INTO experience VALUES ('exp_1', 'task_1', 'Use make deploy-staging.', '2025-01-03T00:00:00.000Z');`);
    old.close();

    const store = Store.open(path);
    afterThisTest(() => store.close());
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // Migration 7: the memory learns whom it is about from its text, and is searched by it.
    expect(store.memories.get('mem_1')).toMatchObject({ updated_at: '2025-01-02T00:00:00.000Z', superseded_by: null, subject: 'user' });
    expect(store.db.prepare("SELECT about FROM memories WHERE id = 'mem_1'").get()).toEqual({ about: 'userself' });
    expect(lexicalCandidates(store.memories, { view: { workspace: '/ws' } }, 'Как меня зовут?', { limit: 3 })[0]?.memory.id).toBe('mem_1');
    expect(lexicalCandidates(store.memories, {}, 'Владимир', { limit: 3 })).toHaveLength(1);
    expect(store.experience.list(5)[0]).toMatchObject({ id: 'exp_1', task_message: 'Run the deploy script for staging.', workspace: '/ws' });
    expect(findLessons(store.experience, '/ws', 'run the staging deploy scripts').map((l) => l.id)).toEqual(['exp_1']);

    // The indexes stay consistent through edits and deletes (FTS5 reports corruption here, if any).
    store.memories.update('mem_1', { text: 'Пользователя зовут Иван.' });
    store.memories.add({ text: 'The user likes tea.', memory_type: 'fact', scope: 'global', workspace: null, conversation_id: null, importance: 0.5, metadata: {}, source_task_id: null });
    store.memories.delete('mem_1');
    for (const table of ['memories_fts', 'memories_tri', 'experience_fts']) {
      expect(() => store.db.prepare(`INSERT INTO ${table}(${table}) VALUES ('integrity-check')`).run()).not.toThrow();
    }
    expect(lexicalCandidates(store.memories, {}, 'tea', { limit: 3 }).map((c) => c.memory.text)).toEqual(['The user likes tea.']);
  });
});
