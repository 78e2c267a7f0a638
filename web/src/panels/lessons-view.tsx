import { useState } from 'preact/hooks';
import { api, type Lesson } from '../api.js';
import { ConfirmBar } from './confirm.js';
import { baseName, fullTime, matches, relativeTime } from './format.js';
import { ErrorLine, LoadError } from './panel-error.js';
import { SearchField } from './toolbar.js';
import { useAction } from './use-action.js';
import { useLoad } from './use-load.js';
import './panels.css';

/** What reflection learned from finished tasks; a wrong lesson can be deleted before it misleads. */
export function LessonsView() {
  const [filter, setFilter] = useState('');
  const list = useLoad(() => api.lessons(), []);
  const lessons = list.data ?? [];
  const shown = lessons.filter((l) => matches(filter, l.lesson, l.task_message, l.workspace));

  return (
    <section class="panel lessons" data-testid="lessons-view" aria-labelledby="lessons-heading">
      <header class="panel-head">
        <h1 id="lessons-heading">Lessons</h1>
        <button type="button" onClick={list.reload} disabled={list.loading}>
          Refresh
        </button>
      </header>
      <p class="muted panel-intro">
        After a task, ducklm can reflect on how it went and keep a lesson (when started with <code>DUCK_ENABLE_REFLECTION=1</code>). A lesson is used again when a similar task comes up in the same workspace; one it arrives at again is confirmed, not kept twice.
      </p>
      <div class="panel-toolbar" role="search">
        <SearchField label="Filter lessons" value={filter} onInput={setFilter} testId="lessons-filter" />
      </div>
      <LoadError what="lessons" error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <p class="muted">Loading lessons…</p>}
      {list.data && !lessons.length && (
        <p class="panel-empty" data-testid="lessons-empty">
          No lessons yet.
        </p>
      )}
      {lessons.length > 0 && !shown.length && <p class="panel-empty">No lesson matches “{filter}”.</p>}
      <ul class="panel-list" aria-busy={list.loading}>
        {shown.map((lesson) => (
          <LessonItem key={lesson.id} lesson={lesson} onDeleted={(id) => list.mutate((all) => all.filter((l) => l.id !== id))} />
        ))}
      </ul>
    </section>
  );
}

function LessonItem({ lesson, onDeleted }: { lesson: Lesson; onDeleted(id: string): void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(async () => {
    await api.deleteLesson(lesson.id);
    onDeleted(lesson.id);
  });

  return (
    <li class="lesson-item panel-card" data-testid="lesson-item" data-id={lesson.id}>
      <p class="lesson-text">{lesson.lesson}</p>
      <dl class="lesson-meta">
        <div>
          <dt>From the task</dt>
          <dd>
            <q title={lesson.task_id ? `task ${lesson.task_id}` : undefined}>{lesson.task_message}</q>
          </dd>
        </div>
        <div>
          <dt>Workspace</dt>
          <dd title={lesson.workspace ?? ''}>{lesson.workspace ? baseName(lesson.workspace) : '—'}</dd>
        </div>
        <div>
          <dt>Confirmed</dt>
          <dd data-testid="lesson-confirmations">
            {lesson.confirmations > 1 ? (
              <>
                {lesson.confirmations} times
                {lesson.confirmed_at && (
                  <>
                    , last{' '}
                    <time dateTime={lesson.confirmed_at} title={fullTime(lesson.confirmed_at)}>
                      {relativeTime(lesson.confirmed_at)}
                    </time>
                  </>
                )}
              </>
            ) : (
              'once'
            )}
          </dd>
        </div>
        <div>
          <dt>Learned</dt>
          <dd>
            <time dateTime={lesson.created_at} title={fullTime(lesson.created_at)}>
              {relativeTime(lesson.created_at)}
            </time>
          </dd>
        </div>
      </dl>
      {confirming ? (
        <ConfirmBar question="Delete this lesson?" action="Delete" busy={remove.busy} onConfirm={() => remove.run()} onCancel={() => setConfirming(false)} />
      ) : (
        <div class="panel-actions">
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      )}
      <ErrorLine error={remove.error} />
    </li>
  );
}
