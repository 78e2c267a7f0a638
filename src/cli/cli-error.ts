import { UserError } from '../errors.js';

/** Exit codes a script can tell apart. */
export const EXIT = {
  ok: 0,
  failed: 1,
  /** `ask` stopped at an approval it could not ask for (no terminal); the task stays paused. */
  needsApproval: 3,
  /** Ctrl-C, as shells report a death by SIGINT. */
  interrupted: 130,
} as const;

/** A failure the CLI reports as one line and an exit code, never as a stack trace. */
export class CliError extends UserError {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}
