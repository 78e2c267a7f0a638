/**
 * How a script is run. Node gives a child a socket for stdin, and bash then takes itself for a
 * shell started by sshd and sources ~/.bashrc even with `-c`: `--norc` stops that.
 */
export const BASH_SCRIPT = ['bash', '--norc', '--noprofile', '-c'] as const;

/** What to run: an argv run without a shell, or a script run by `bash -c` (only after a person approved it). */
export type CommandSpec = { kind: 'argv'; argv: string[] } | { kind: 'shell'; script: string };

export interface RunCommandRequest {
  spec: CommandSpec;
  cwd: string;
  /** Written once to standard input, then stdin is closed (the sudo password goes only here). */
  input?: string;
  timeoutMs: number;
  /** Bytes kept of stdout and of stderr each; the rest is dropped and `truncated` set. */
  maxOutputBytes: number;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface RunCommandResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  truncated: boolean;
  durationMs: number;
}

/** Runs one command; injected so tests can record calls instead of spawning processes. */
export interface CommandRunner {
  run(request: RunCommandRequest): Promise<RunCommandResult>;
}
