import type { Reporter } from 'vitest/node';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

/** Ends the run with the plain line CI reads: `vitest: N passed, N failed, N skipped`. */
export default class SummaryReporter implements Reporter {
  onFinished(files: Task[] = [], errors: unknown[] = []): void {
    const counts = { passed: 0, failed: errors.length, skipped: 0 };
    const visit = (task: Task): void => {
      if (task.type === 'test') {
        const state = task.result?.state;
        if (state === 'pass') counts.passed++;
        else if (state === 'fail') counts.failed++;
        else counts.skipped++;
      }
      task.tasks?.forEach(visit);
    };
    for (const file of files) {
      // A file that failed to load has no tests but is a failure all the same.
      if (file.result?.state === 'fail' && !file.tasks?.length) counts.failed++;
      visit(file);
    }
    // After the default reporter's summary, so it is the last line of the run.
    setImmediate(() => process.stdout.write(`vitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`));
  }
}
