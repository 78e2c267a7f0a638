import type { Reporter } from 'vitest/node';

type Task = { type: string; name?: string; filepath?: string; mode?: string; result?: { state?: string; duration?: number }; tasks?: Task[] };

/** How many of the slowest files and tests the summary names: where to look when the suite grows slow. */
const SLOWEST = 8;

const seconds = (ms = 0) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Ends the run with the slowest files and tests, then the plain line CI reads:
 * `vitest: N passed, N failed, N skipped`.
 */
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
    const tests: { name: string; ms: number }[] = [];
    const collect = (task: Task, path: string): void => {
      if (task.type === 'test') tests.push({ name: `${path} > ${task.name}`, ms: task.result?.duration ?? 0 });
      task.tasks?.forEach((t) => collect(t, task.type === 'suite' ? [path, task.name].filter(Boolean).join(' > ') : path));
    };
    for (const file of files) {
      // A file that failed to load has no tests but is a failure all the same.
      if (file.result?.state === 'fail' && !file.tasks?.length) counts.failed++;
      visit(file);
      collect(file, '');
    }
    const slowFiles = [...files].sort((a, b) => (b.result?.duration ?? 0) - (a.result?.duration ?? 0)).slice(0, SLOWEST);
    const slowTests = tests.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST);
    const report = [
      `slowest files: ${slowFiles.map((f) => `${f.name} ${seconds(f.result?.duration)}`).join(', ')}`,
      'slowest tests:',
      ...slowTests.map((t) => `  ${seconds(t.ms)}  ${t.name}`),
    ];
    // After the default reporter's summary, so it is the last line of the run.
    setImmediate(() => process.stdout.write(`${report.join('\n')}\nvitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`));
  }
}
