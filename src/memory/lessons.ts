import type { ExperienceRepo, Lesson, NewLesson } from '../store/experience-repo.js';
import { contentStems, jaccard, matchAny, normalizeText } from './text.js';

/**
 * Lessons from finished tasks, found again when a new task resembles the one they came from, so
 * that reflection changes what the planner does next time.
 */

const MAX_LESSONS = 3;
const SEARCH_POOL = 20;
/** Dice overlap of content stems between the new message and the lesson's task, 0..1. */
const MIN_SIMILARITY = 0.4;

/** The best few lessons of this workspace whose task resembles the message; lessons stay in their workspace. */
export function findLessons(repo: ExperienceRepo, workspace: string, message: string, limit = MAX_LESSONS): Lesson[] {
  const stems = new Set(contentStems(message));
  const match = matchAny(stems);
  if (!match) return [];
  return repo
    .search(workspace, match, SEARCH_POOL)
    .map((lesson) => ({ lesson, similarity: dice(stems, new Set(contentStems(lesson.task_message))) }))
    .filter((l) => l.similarity >= MIN_SIMILARITY)
    // Equally close: the lesson reflection arrived at more often first.
    .sort((a, b) => b.similarity - a.similarity || b.lesson.confirmations - a.lesson.confirmations)
    .slice(0, limit)
    .map((l) => l.lesson);
}

function dice(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const s of a) if (b.has(s)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/**
 * Same lesson, in nearly the same words: Jaccard overlap of content stems at or above this. A
 * critic restating a lesson keeps its words; two different lessons of one workspace share fewer.
 */
const SAME_LESSON = 0.75;

/** A lesson's words, read once: compared with many others when copies are merged. */
interface LessonWords {
  normalized: string;
  stems: Set<string>;
}

const wordsOf = (text: string): LessonWords => ({ normalized: normalizeText(text), stems: new Set(contentStems(text)) });

const sameLesson = (a: LessonWords, b: LessonWords) => a.normalized === b.normalized || jaccard(a.stems, b.stems) >= SAME_LESSON;

/**
 * Keeps a lesson from reflection: one the workspace already has (in nearly the same words) is
 * confirmed, counting once more, instead of stored again; otherwise it is added.
 */
export function keepLesson(repo: ExperienceRepo, lesson: NewLesson): { kind: 'stored' | 'confirmed'; lesson: Lesson } {
  const words = wordsOf(lesson.lesson);
  const match = lesson.workspace === null ? null : matchAny(words.stems);
  const same = match ? repo.search(lesson.workspace!, match, SEARCH_POOL).find((l) => sameLesson(wordsOf(l.lesson), words)) : undefined;
  if (same) return { kind: 'confirmed', lesson: repo.confirm(same.id) ?? same };
  return { kind: 'stored', lesson: repo.add(lesson) };
}

/**
 * Merges the copies of a lesson kept before lessons were confirmed (reflection once stored the
 * same lesson ten times): the oldest stays, counting each copy as a confirmation. Returns how many
 * copies were merged away.
 */
export function mergeLessonCopies(repo: ExperienceRepo): number {
  let merged = 0;
  for (const workspace of repo.workspaces()) {
    const kept: { lesson: Lesson; words: LessonWords }[] = [];
    const copies = new Map<string, Lesson[]>();
    for (const lesson of repo.ofWorkspace(workspace)) {
      const words = wordsOf(lesson.lesson);
      const original = kept.find((k) => sameLesson(k.words, words));
      if (!original) kept.push({ lesson, words });
      else copies.set(original.lesson.id, [...(copies.get(original.lesson.id) ?? []), lesson]);
    }
    for (const [id, list] of copies) {
      // Each copy was reflection arriving at the lesson again: its confirmations carry over.
      repo.absorb(id, list);
      merged += list.length;
    }
  }
  return merged;
}
