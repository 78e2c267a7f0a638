import { z } from 'zod';
import { maxRisk, RISK_LEVELS } from './risk.js';
import { classifyCommand, sudoArgv, type CommandClassification } from './shell/classify-command.js';
import type { CommandSpec, RunCommandResult } from './shell/command-runner.js';
import { firstPathOutside } from './shell/command-paths.js';
import { judgedSpec } from './shell/judged-script.js';
import { gitEnv, hardenGitArgv, probeRepoDrivers, usesGit } from './shell/git-hardening.js';
import { pinnedRepositoryEnv } from './shell/git-repository.js';
import { childEnv } from './shell/spawn-command-runner.js';
import { defineTool, type ExecuteContext, type ToolResult } from './tool.js';
import { isWithin } from './workspace-path.js';

export const shellExecSafe = defineTool({
  name: 'shell_exec_safe',
  description:
    'Run a shell command in the workspace. Read-only commands run at once; anything else, and sudo, asks the user first.',
  argsHint: '{"command": "the command line"}',
  inputSchema: z.object({ command: z.string().min(1).max(10_000) }),
  auditSubject(input, ctx) {
    const c = classifyCommand(input.command);
    return { command: input.command, riskLevel: maxRisk(c.riskLevel, ctx.plannerRisk), actionType: c.actionType, sudo: c.sudo };
  },
  /** An "always allow" rule covers exactly this command: the same argv, or the same script text. */
  async ruleTarget(input, ctx) {
    const c = classifyCommand(input.command);
    if (c.sudo) return null;
    // ducklm's own data is never covered by a rule: each read of it asks.
    const touches = (await firstPathOutside(ctx.workspace, c.commands, { protectedPaths: ctx.protectedPaths ?? [] }))?.concern;
    if (touches === 'protected' || touches === 'process_data') return null;
    return { kind: 'command', pattern: c.spec.kind === 'argv' ? JSON.stringify(c.spec.argv) : input.command.trim() };
  },
  async approval(input, ctx) {
    const c = classifyCommand(input.command);
    const riskLevel = maxRisk(c.riskLevel, ctx.plannerRisk);
    const base = { kind: 'ask' as const, riskLevel, actionType: c.actionType, needsPassword: c.sudo };
    if (c.sudo) return { ...base, reason: `\`${input.command}\` runs as root; it needs your approval and then your password.` };
    if (!c.knownSafe) return { ...base, reason: c.reason };
    // Read-only commands still may not read outside the workspace unasked, just as file_read may not.
    const outside = await firstPathOutside(ctx.workspace, c.commands, { protectedPaths: ctx.protectedPaths ?? [] });
    if (outside) {
      const shown = outside.real === outside.path ? `\`${outside.path}\`` : `\`${outside.path}\` (${outside.real})`;
      return { ...base, riskLevel: maxRisk(riskLevel, 'medium'), reason: `${shown} ${outside.why}; ducklm may read it only with your approval.` };
    }
    // A planted `.git` can point git at files outside the workspace.
    const repository = usesGit(c.commands) ? await pinnedRepositoryEnv(ctx.workspace) : undefined;
    if (repository && 'problem' in repository) return { ...base, riskLevel: maxRisk(riskLevel, 'medium'), reason: `git: ${repository.problem}; ducklm may run it only with your approval.` };
    if (RISK_LEVELS.indexOf(ctx.plannerRisk) >= RISK_LEVELS.indexOf('medium')) {
      return { ...base, reason: `The planner rated this step ${ctx.plannerRisk} risk.` };
    }
    return { kind: 'allow' };
  },
  async execute(input, ctx) {
    const c = classifyCommand(input.command);
    if (c.sudo && ctx.password === undefined) {
      return { ok: false, output: 'sudo needs the password, and none was given.', truncated: false };
    }
    const prepared = await prepare(c, ctx);
    if ('refused' in prepared) {
      return { ok: false, output: prepared.refused, truncated: false, command: { exitCode: null, durationMs: 0, outcome: 'failed_to_start' } };
    }
    const result = await ctx.runner.run({
      spec: c.sudo ? { kind: 'argv', argv: sudoArgv(prepared.spec) } : prepared.spec,
      cwd: ctx.workspace,
      ...(c.sudo ? { input: `${ctx.password}\n` } : {}),
      timeoutMs: ctx.limits.commandTimeoutMs,
      maxOutputBytes: ctx.limits.maxOutputBytes,
      env: prepared.env,
      signal: ctx.signal,
    });
    return toToolResult(result, ctx.password);
  },
});

/**
 * The environment is always the allowlisted one (no API keys or tokens). A read-only git command
 * also gets settings that keep the repository's own config from running programs; a command a
 * person approved runs as they saw it.
 */
async function prepare(c: CommandClassification, ctx: ExecuteContext): Promise<{ spec: CommandSpec; env: NodeJS.ProcessEnv } | { refused: string }> {
  const env = childEnv();
  if (!c.knownSafe || !c.judged) return { spec: c.spec, env };
  // A command judged read-only by name must find the system's program, not one the workspace holds.
  if (env.PATH !== undefined) env.PATH = env.PATH.split(':').filter((dir) => !isWithin(ctx.workspace, dir)).join(':');
  if (!usesGit(c.commands)) return { spec: c.spec, env };
  const repository = await pinnedRepositoryEnv(ctx.workspace);
  if ('problem' in repository) return { refused: `git was not run: ${repository.problem}.` };
  const drivers = await probeRepoDrivers(ctx.runner, ctx.workspace, { ...env, ...repository.env }, ctx.signal);
  if ('error' in drivers) return { refused: `git was not run: its settings could not be checked (${drivers.error}).` };
  // Rebuilt from the judged argvs, each git one hardened (in a pipeline too, not only alone), and pinned to the workspace's repository.
  const spec = judgedSpec(c.judged, hardenGitArgv);
  return { spec, env: { ...env, ...gitEnv(drivers.keys), ...repository.env } };
}

/** What sudo says when the password it read was wrong or missing. */
const SUDO_AUTH_FAILURE = /incorrect password|Sorry, try again|no password was provided|a password is required|authentication failure/i;

function toToolResult(result: RunCommandResult, password: string | undefined): ToolResult {
  const outcome = result.aborted ? 'cancelled' : result.timedOut ? 'timed_out' : result.exitCode === null && !result.signal ? 'failed_to_start' : 'ran';
  const lines = [`exit_code: ${result.exitCode ?? 'none'}${result.timedOut ? ' (timed out)' : ''}`];
  if (result.stdout) lines.push(result.stdout.trimEnd());
  if (result.stderr) lines.push(`[stderr]\n${result.stderr.trimEnd()}`);
  let output = lines.join('\n');
  // sudo may echo what it read back in an error message; the password never leaves this function.
  if (password) output = output.split(password).join('[REDACTED]');
  return {
    ok: outcome === 'ran' && result.exitCode === 0,
    output,
    truncated: result.truncated,
    authFailed: password !== undefined && result.exitCode !== 0 && SUDO_AUTH_FAILURE.test(result.stderr),
    command: { exitCode: result.exitCode, durationMs: result.durationMs, outcome },
  };
}
