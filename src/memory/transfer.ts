import type { Memory, MemoryFilter, MemoryRepo, NewMemory } from '../store/memory-repo.js';
import { nowIso } from '../store/database.js';
import { findDuplicate, neighbourhood } from './memory-writer.js';

/**
 * Memory as a JSON file a person can keep, read and carry to another machine. Ids, dates and
 * supersession links are kept, so an export imported into an empty store is the same memory.
 */

export const EXPORT_FORMAT = 'ducklm-memory';

export interface MemoryExport {
  format: typeof EXPORT_FORMAT;
  version: 1;
  exported_at: string;
  memories: Memory[];
}

const EXPORT_LIMIT = 1_000_000;

export function exportMemories(repo: MemoryRepo, filter: MemoryFilter): MemoryExport {
  return { format: EXPORT_FORMAT, version: 1, exported_at: nowIso(), memories: repo.find(filter, EXPORT_LIMIT) };
}

export type ImportItem = Omit<NewMemory, 'workspace' | 'conversation_id' | 'source_task_id' | 'superseded_by'> & {
  workspace?: string | null;
  conversation_id?: string | null;
  source_task_id?: string | null;
  superseded_by?: string | null;
};

export interface ImportResult {
  imported: number;
  /** Current memories that said what an existing one says: merged into it, not stored twice. */
  merged: number;
  /** Ids that already exist here: importing the same file twice changes nothing. */
  skipped: number;
}

export function importMemories(repo: MemoryRepo, items: ImportItem[]): ImportResult {
  const result: ImportResult = { imported: 0, merged: 0, skipped: 0 };
  // Where each imported id ended up: itself, or the existing memory it was merged into.
  const placed = new Map<string, string>();
  for (const item of items) {
    if (item.id && repo.get(item.id)) {
      result.skipped++;
      placed.set(item.id, item.id);
      continue;
    }
    const memory: NewMemory = {
      ...item,
      workspace: item.scope === 'workspace' ? (item.workspace ?? null) : null,
      conversation_id: item.scope === 'conversation' ? (item.conversation_id ?? null) : null,
      source_task_id: item.source_task_id ?? null,
      superseded_by: null,
    };
    // History (superseded memories) is kept as it is; only current ones are checked for duplicates.
    const duplicate = item.superseded_by ? undefined : findDuplicate(repo, neighbourhood(memory, memory.workspace), memory.text);
    if (duplicate) {
      repo.merge(duplicate.id, memory.text, memory.importance);
      if (item.id) placed.set(item.id, duplicate.id);
      result.merged++;
      continue;
    }
    const stored = repo.add(memory, null, 'imported');
    if (item.id) placed.set(item.id, stored.id);
    result.imported++;
  }
  // Links last: a memory may name its successor before the successor appears in the file.
  for (const item of items) {
    const from = item.id && placed.get(item.id);
    const to = item.superseded_by && placed.get(item.superseded_by);
    if (from && to && from !== to) repo.supersede(from, to);
  }
  return result;
}
