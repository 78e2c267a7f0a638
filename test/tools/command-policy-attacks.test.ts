import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/tools/shell/classify-command.js';
import { SpawnCommandRunner } from '../../src/tools/shell/spawn-command-runner.js';
import { shellExecSafe } from '../../src/tools/shell-exec-safe.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { NEVER_KNOWN_SAFE, OUTSIDE, POSITIVE, TOUCHES_MARKER } from './command-policy-cases.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

let ws: string;
let ctx: ToolContext;

beforeEach(() => {
  const root = realpathSync(tempDir());
  ws = join(root, 'ws');
  const outside = join(root, 'outside');
  mkdirSync(join(ws, 'sub'), { recursive: true });
  mkdirSync(outside);
  mkdirSync(`${ws}-evil`);
  writeFileSync(join(ws, 'marker.txt'), 'untouched\n');
  writeFileSync(join(ws, 'README.md'), '# readme\n');
  writeFileSync(join(outside, 'secret.txt'), 'secret\n');
  writeFileSync(join(root, 'x'), 'outside x\n');
  writeFileSync(`${ws}-evil/secret.txt`, 'sibling secret\n');
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'link-to-outside'));
  symlinkSync(outside, join(ws, 'linked-dir'));
  ctx = { workspace: ws, signal: new AbortController().signal, runner: new SpawnCommandRunner({ killGraceMs: 300 }), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 64 * 1024 } };
});

/** Approval first; only an `allow` runs, through the real runner. */
async function approveThenRun(command: string) {
  const decision = await shellExecSafe.approval({ command }, ctx);
  const result = decision.kind === 'allow' ? await shellExecSafe.execute({ command }, ctx) : undefined;
  return { decision, result };
}

describe('command policy: known bypasses are never known-safe', () => {
  it('has a long list of attacks', () => expect(NEVER_KNOWN_SAFE.length).toBeGreaterThanOrEqual(30));

  it.each(NEVER_KNOWN_SAFE)('%j', async (command) => {
    expect(classifyCommand(command).knownSafe).toBe(false);
    expect((await shellExecSafe.approval({ command }, ctx)).kind).toBe('ask');
  });
});

describe('command policy: read-only commands that leave the workspace ask', () => {
  it('covers the listed cases', () => {
    for (const command of OUTSIDE) expect(classifyCommand(command).knownSafe, command).toBe(true);
  });

  it.each(OUTSIDE)('%j', async (template) => {
    const command = template.replace('WS', ws).replace('NAME', basename(ws));
    const decision = await shellExecSafe.approval({ command }, ctx);
    expect(decision).toMatchObject({ kind: 'ask', riskLevel: 'medium', needsPassword: false });
    expect(decision.kind === 'ask' && decision.reason).toMatch(/outside the workspace/);
  });

  it('names the real place a symlink leads to', async () => {
    const decision = await shellExecSafe.approval({ command: 'cat link-to-outside' }, ctx);
    expect(decision.kind === 'ask' && decision.reason).toContain(join(ws, '..', 'outside', 'secret.txt'));
  });

  it('allows an absolute path inside the workspace', async () => {
    expect(await shellExecSafe.approval({ command: `cat ${ws}/README.md` }, ctx)).toEqual({ kind: 'allow' });
  });
});

describe('command policy: nothing runs before a person says yes', () => {
  it.each(TOUCHES_MARKER)('%j leaves the marker alone', async (command) => {
    const { decision, result } = await approveThenRun(command);
    expect(decision.kind).toBe('ask');
    expect(result).toBeUndefined();
    expect(readFileSync(join(ws, 'marker.txt'), 'utf8')).toBe('untouched\n');
  });

  it('does not let a workspace plant its own `ls` through a relative PATH entry', async () => {
    writeFileSync(join(ws, 'ls'), '#!/bin/sh\necho owned > marker.txt\n', { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `.:${path}`;
    try {
      const { decision, result } = await approveThenRun('ls');
      expect(decision.kind).toBe('allow');
      expect(result?.output).toContain('README.md');
    } finally {
      process.env.PATH = path;
    }
    expect(readFileSync(join(ws, 'marker.txt'), 'utf8')).toBe('untouched\n');
  });

  it('does not run a program from a PATH folder inside the workspace', async () => {
    mkdirSync(join(ws, 'bin'));
    writeFileSync(join(ws, 'bin', 'ls'), '#!/bin/sh\necho owned > marker.txt\n', { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${join(ws, 'bin')}:${path}`;
    try {
      expect((await approveThenRun('ls')).result?.output).toContain('README.md');
    } finally {
      process.env.PATH = path;
    }
    expect(readFileSync(join(ws, 'marker.txt'), 'utf8')).toBe('untouched\n');
  });

  it('does run what is allowed (so the check above means something)', async () => {
    const { decision, result } = await approveThenRun('cat marker.txt | wc -l && cat marker.txt');
    expect(decision.kind).toBe('allow');
    expect(result).toMatchObject({ ok: true, output: 'exit_code: 0\n1\nuntouched' });
  });
});

describe('command policy: safe commands', () => {
  it.each(POSITIVE)('%j is known-safe (%s, %s) and runs unasked', async (command, riskLevel, actionType) => {
    expect(classifyCommand(command)).toMatchObject({ knownSafe: true, riskLevel, actionType });
    expect(await shellExecSafe.approval({ command }, ctx)).toEqual({ kind: 'allow' });
  });

  it('asks anyway when the planner rated the step medium or high', async () => {
    const decision = await shellExecSafe.approval({ command: 'ls' }, { ...ctx, plannerRisk: 'high' });
    expect(decision).toMatchObject({ kind: 'ask', riskLevel: 'high' });
  });

  it('runs a single command as argv without a shell, with an allowlisted environment', async () => {
    const runner = new FakeCommandRunner();
    process.env.DUCKLM_TEST_API_KEY = 'sk-do-not-leak';
    try {
      await shellExecSafe.execute({ command: "cat 'README.md'" }, { ...ctx, runner });
    } finally {
      delete process.env.DUCKLM_TEST_API_KEY;
    }
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]).toMatchObject({ spec: { kind: 'argv', argv: ['cat', 'README.md'] }, cwd: ws, timeoutMs: 5000, maxOutputBytes: 64 * 1024 });
    expect(Object.values(runner.calls[0]!.env)).not.toContain('sk-do-not-leak');
  });

  it('runs a safe compound command through bash, every part having been checked', async () => {
    const { result } = await approveThenRun('ls | wc -l');
    expect(result).toMatchObject({ ok: true, output: expect.stringMatching(/^exit_code: 0\n\d+$/) });
  });
});
