import { nowIso, type Db } from './database.js';
import { newId } from './ids.js';

export interface Lesson {
  id: string;
  task_id: string | null;
  lesson: string;
  created_at: string;
}

export class ExperienceRepo {
  constructor(private readonly db: Db) {}

  add(taskId: string, lesson: string): Lesson {
    const row = { id: newId('exp'), task_id: taskId, lesson, created_at: nowIso() };
    this.db.prepare('INSERT INTO experience (id, task_id, lesson, created_at) VALUES (@id, @task_id, @lesson, @created_at)').run(row);
    return row;
  }

  list(limit: number): Lesson[] {
    return this.db.prepare('SELECT * FROM experience ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as Lesson[];
  }
}
