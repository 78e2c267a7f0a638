import type { CommandRunner, RunCommandRequest, RunCommandResult } from '../../src/tools/shell/command-runner.js';

/** Records every command instead of running it, answering with a scripted result. */
export class FakeCommandRunner implements CommandRunner {
  readonly calls: RunCommandRequest[] = [];

  constructor(private readonly reply: Partial<RunCommandResult> | ((request: RunCommandRequest) => Partial<RunCommandResult>) = {}) {}

  async run(request: RunCommandRequest): Promise<RunCommandResult> {
    this.calls.push(request);
    const partial = typeof this.reply === 'function' ? this.reply(request) : this.reply;
    return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, truncated: false, durationMs: 1, ...partial };
  }
}
