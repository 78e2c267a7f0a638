import { realpathSync } from 'node:fs';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/tools/shell/classify-command.js';
import { MAX_COMMANDS, MAX_LINE_LENGTH, parseShell } from '../../src/tools/shell/parse-shell.js';
import { shellExecSafe } from '../../src/tools/shell-exec-safe.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Class 12 of issue 12 (the shell part): a line with more commands than a person reads on one
 * card, or longer than one, is not judged part by part; it asks. The parser must refuse such a
 * line quickly, without walking it all.
 */

let ctx: ToolContext;
beforeEach(() => {
  const ws = realpathSync(tempDir());
  ctx = { workspace: ws, signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 64 * 1024 } };
});

describe('issue 12, class 12: bounds on one command line', () => {
  it('asks for a 2,000-command pipeline, and says why', async () => {
    const command = Array.from({ length: 2000 }, () => 'ls').join(' | ');
    const started = performance.now();
    const c = classifyCommand(command);
    // Generous for a busy machine; the point is that it is not walked command by command forever.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(c).toMatchObject({ knownSafe: false, reason: expect.stringMatching(/longer than|more than/) });
    expect(await shellExecSafe.approval({ command }, ctx)).toMatchObject({ kind: 'ask' });
  });

  it('stops walking a short line with far too many commands at the bound', () => {
    const command = Array.from({ length: 1300 }, () => 'id').join('|');
    expect(command.length).toBeLessThan(MAX_LINE_LENGTH);
    expect(parseShell(command)).toEqual({ error: `has more than ${MAX_COMMANDS} commands` });
    expect(classifyCommand(command)).toMatchObject({ knownSafe: false, reason: `could not be parsed: it has more than ${MAX_COMMANDS} commands` });
  });

  it('counts commands nested in substitutions too', () => {
    const command = `echo ${Array.from({ length: MAX_COMMANDS }, () => '$(id)').join(' ')}`;
    expect(parseShell(command)).toEqual({ error: `has more than ${MAX_COMMANDS} commands` });
  });

  it('asks for a line longer than the bound, even of one read-only command', () => {
    const command = `cat ${Array.from({ length: 1000 }, (_, i) => `f${i}.txt`).join(' ')}`;
    expect(command.length).toBeGreaterThan(MAX_LINE_LENGTH);
    expect(classifyCommand(command)).toMatchObject({ knownSafe: false, reason: `could not be parsed: it is longer than ${MAX_LINE_LENGTH} characters` });
  });

  it('still needs the password for an over-long line that runs sudo', () => {
    const command = `sudo true; ${Array.from({ length: 40 }, () => 'id').join('; ')}`;
    expect(classifyCommand(command)).toMatchObject({ sudo: true, knownSafe: false });
  });

  it('generated lines: known-safe only within the bounds, and always answered', () => {
    const part = fc.constantFrom('ls', 'id', 'pwd', 'ls -la', 'wc -l README.md', 'uname -a', 'cat README.md 2>/dev/null');
    const line = fc.tuple(fc.array(part, { minLength: 1, maxLength: 80 }), fc.array(fc.constantFrom(' | ', ' && ', ' || ', '; ', '|', ';'), { minLength: 80, maxLength: 80 }));
    fc.assert(
      fc.property(line, ([parts, ops]) => {
        const command = parts.map((p, i) => (i > 0 ? ops[i]! : '') + p).join('');
        const c = classifyCommand(command);
        if (parts.length > MAX_COMMANDS || command.length > MAX_LINE_LENGTH) expect(c.knownSafe).toBe(false);
        else expect(c.knownSafe, command).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
