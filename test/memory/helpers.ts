import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import type { MemoryScope, NewMemory } from '../../src/store/memory-repo.js';
import { afterThisTest, tempDir } from '../support/temp-dir.js';

/** A fresh store in a temporary folder, closed after the test. */
export function testStore(): Store {
  const store = Store.open(join(tempDir(), 'memory.sqlite3'));
  afterThisTest(() => store.close());
  return store;
}

export function memory(text: string, scope: MemoryScope = 'global', extra: Partial<NewMemory> = {}): NewMemory {
  return { text, memory_type: 'fact', scope, workspace: null, conversation_id: null, importance: 0.5, metadata: {}, source_task_id: null, ...extra };
}

/** Short plausible memories that share words with the ones a test looks for. */
export const DISTRACTORS = [
  "The user's colleague Anna lives in Paris.",
  'Tom, a friend of the user, works as a nurse.',
  "Anna's cat is named Luna.",
  'The billing service deploys to Kubernetes.',
  'Коллегу пользователя зовут Ольга.',
  'Сестра пользователя живёт в Москве.',
  'День рождения коллеги — 12 февраля.',
  'Пользователь обсуждал с Ириной план найма.',
  'The user read an article about Rust.',
  'Reminder: discuss the budget with Tom on Friday.',
];
