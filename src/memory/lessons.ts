import type { ExperienceRepo, Lesson } from '../store/experience-repo.js';
import { contentStems, matchAny } from './text.js';

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
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, limit)
    .map((l) => l.lesson);
}

function dice(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const s of a) if (b.has(s)) shared++;
  return (2 * shared) / (a.size + b.size);
}
