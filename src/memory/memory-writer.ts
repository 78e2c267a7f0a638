import type { Memory, MemoryFilter, MemoryRepo, MemoryScope, MemoryType, NewMemory } from '../store/memory-repo.js';
import { lexicalCandidates } from './candidates.js';
import { normalizeText, stemOverlap } from './text.js';

/**
 * Every way a memory gets written goes through here, so memory stays true: a near-duplicate is
 * merged instead of stored twice, and a changed fact replaces the old one instead of joining it.
 */

export type WriteOutcome =
  | { kind: 'stored'; memory: Memory }
  | { kind: 'merged'; memory: Memory }
  | { kind: 'updated'; memory: Memory; previousText: string }
  | { kind: 'superseded'; memory: Memory; superseded: Memory; merged: boolean }
  | { kind: 'none' };

/** Same words, or nearly: Jaccard overlap of content stems at or above this is one memory. */
const DUPLICATE_OVERLAP = 0.8;

/** The memories a new one would sit beside: those visible wherever it will be visible. */
export function neighbourhood(memory: Pick<NewMemory, 'scope' | 'workspace' | 'conversation_id'>, workspace: string | null): MemoryFilter {
  if (memory.scope === 'global' || !workspace) return { scope: 'global' };
  return { view: { workspace, conversationId: memory.conversation_id ?? undefined } };
}

/** A current memory that says what `text` says, among those the filter covers. */
export function findDuplicate(repo: MemoryRepo, filter: MemoryFilter, text: string, exclude: ReadonlySet<string> = new Set()): Memory | undefined {
  const normalized = normalizeText(text);
  const found = lexicalCandidates(repo, filter, text, { limit: 10 });
  return found
    .map((c) => c.memory)
    .filter((m) => !exclude.has(m.id))
    .find((m) => normalizeText(m.text) === normalized || stemOverlap(m.text, text) >= DUPLICATE_OVERLAP);
}

/** Stores a memory unless a near-duplicate exists, which is then merged into instead. */
export function rememberNew(repo: MemoryRepo, memory: NewMemory, workspace: string | null, exclude?: ReadonlySet<string>): Extract<WriteOutcome, { kind: 'stored' | 'merged' }> {
  const duplicate = findDuplicate(repo, neighbourhood(memory, workspace), memory.text, exclude);
  if (duplicate) return { kind: 'merged', memory: repo.merge(duplicate.id, memory.text, memory.importance, memory.source_task_id)! };
  return { kind: 'stored', memory: repo.add(memory, memory.source_task_id) };
}

export type MemoryAction = 'add' | 'update' | 'supersede' | 'none';

export interface MemoryDecisionInput {
  should_store: boolean;
  action?: MemoryAction;
  target_id?: string;
  summary: string;
  /** Whom the memory is about, in words; absent: read from the summary (memory/subject.ts). */
  subject?: string;
  memory_type: MemoryType;
  importance: number;
  scope: MemoryScope;
  metadata: Record<string, unknown>;
}

/** Where the exchange happened, to place a new memory in its scope. */
export interface DecisionPlace {
  workspace: string;
  conversationId: string;
  taskId: string;
}

/**
 * Carries out the memory policy's decision. `candidates` are the numbered memories it was shown;
 * `target_id` must name one of them (its number, or its id), anything else is ignored and an
 * update or supersession becomes a plain add. An explicit `action` wins over `should_store`.
 */
export function applyMemoryDecision(repo: MemoryRepo, decision: MemoryDecisionInput, candidates: Memory[], place: DecisionPlace): WriteOutcome {
  const action = decision.action ?? (decision.should_store ? 'add' : 'none');
  const text = decision.summary.trim();
  if (action === 'none' || !text) return { kind: 'none' };
  const target = resolveTarget(decision.target_id, candidates);

  if (action === 'update' && target) {
    const memory = repo.update(
      target.id,
      { text, importance: Math.max(target.importance, decision.importance), memory_type: decision.memory_type, ...(decision.subject ? { subject: decision.subject } : {}) },
      place.taskId,
    );
    if (memory) return { kind: 'updated', memory, previousText: target.text };
  }
  const fresh: NewMemory = {
    text,
    memory_type: decision.memory_type,
    scope: decision.scope,
    workspace: decision.scope === 'workspace' ? place.workspace : null,
    conversation_id: decision.scope === 'conversation' ? place.conversationId : null,
    importance: decision.importance,
    metadata: decision.metadata,
    source_task_id: place.taskId,
    ...(decision.subject ? { subject: decision.subject } : {}),
  };
  if (action === 'supersede' && target) {
    // The replacement must not be merged into the very memory it replaces.
    const outcome = rememberNew(repo, fresh, place.workspace, new Set([target.id]));
    repo.supersede(target.id, outcome.memory.id, place.taskId);
    return { kind: 'superseded', memory: outcome.memory, superseded: repo.get(target.id)!, merged: outcome.kind === 'merged' };
  }
  return rememberNew(repo, fresh, place.workspace);
}

/** The memory a decision's `target_id` names among those it was shown: its number in the list, or its id. */
export function resolveTarget(targetId: string | undefined, candidates: Memory[]): Memory | undefined {
  if (targetId === undefined) return undefined;
  const id = targetId.trim();
  if (/^\d+$/.test(id)) return candidates[Number(id)];
  return candidates.find((m) => m.id === id);
}
