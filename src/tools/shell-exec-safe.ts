import { z } from 'zod';
import { maxRisk, RISK_LEVELS } from './risk.js';
import { classifyCommand, sudoArgv } from './shell/classify-command.js';
import type { RunCommandResult } from './shell/command-runner.js';
import { childEnv } from './shell/spawn-command-runner.js';
import { defineTool, type ToolResult } from './tool.js';

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
  async approval(input, ctx) {
    const c = classifyCommand(input.command);
    const riskLevel = maxRisk(c.riskLevel, ctx.plannerRisk);
    const base = { kind: 'ask' as const, riskLevel, actionType: c.actionType, needsPassword: c.sudo };
    if (c.sudo) return { ...base, reason: `\`${input.command}\` runs as root; it needs your approval and then your password.` };
    if (!c.knownSafe) return { ...base, reason: c.reason };
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
    const result = await ctx.runner.run({
      spec: c.sudo ? { kind: 'argv', argv: sudoArgv(c.spec) } : c.spec,
      cwd: ctx.workspace,
      ...(c.sudo ? { input: `${ctx.password}\n` } : {}),
      timeoutMs: ctx.limits.commandTimeoutMs,
      maxOutputBytes: ctx.limits.maxOutputBytes,
      env: childEnv(),
      signal: ctx.signal,
    });
    return toToolResult(result, ctx.password);
  },
});

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
    command: { exitCode: result.exitCode, durationMs: result.durationMs, outcome },
  };
}
