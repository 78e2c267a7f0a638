import type { Memory, MemoryHistoryEntry, MemoryRepo } from '../store/memory-repo.js';

export interface MemoryLineage {
  memory: Memory;
  /** This memory's own changes, oldest first: created, updated, merged, superseded. */
  events: MemoryHistoryEntry[];
  /** Every version of the fact, oldest first: the memories this one replaced, itself, its replacements. */
  chain: Memory[];
  /** The version recalled today: the end of the chain, or null when it was deleted. */
  current: Memory | null;
}

/** Guards against a cycle a hand-edited import could create. */
const MAX_LINKS = 100;

export function memoryLineage(repo: MemoryRepo, memory: Memory): MemoryLineage {
  const seen = new Set([memory.id]);
  const older: Memory[] = [];
  const queue = [memory.id];
  while (queue.length && older.length < MAX_LINKS) {
    for (const previous of repo.predecessors(queue.shift()!)) {
      if (seen.has(previous.id)) continue;
      seen.add(previous.id);
      older.push(previous);
      queue.push(previous.id);
    }
  }
  const newer: Memory[] = [];
  let next = memory.superseded_by;
  let current: Memory | null = memory.superseded_by ? null : memory;
  while (next && !seen.has(next) && newer.length < MAX_LINKS) {
    const found = repo.get(next);
    if (!found) break;
    seen.add(found.id);
    newer.push(found);
    if (!found.superseded_by) current = found;
    next = found.superseded_by;
  }
  const byAge = (a: Memory, b: Memory) => a.created_at.localeCompare(b.created_at);
  return { memory, events: repo.history(memory.id), chain: [...older.sort(byAge), memory, ...newer], current };
}
