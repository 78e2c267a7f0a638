import { linkSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileRead } from '../../src/tools/file-read.js';
import { listDir } from '../../src/tools/list-dir.js';
import { shellExecSafe } from '../../src/tools/shell-exec-safe.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { isWithin, resolveInWorkspace } from '../../src/tools/workspace-path.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

const DIRS = ['ws', 'ws/a', 'ws/a/b', 'out', 'out/c', 'out/c/d'];
const FILES = ['ws/f.txt', 'ws/a/g.txt', 'out/secret.txt', 'out/c/h.txt'];
const LINK_NAMES = ['l0', 'l1', 'l2', 'l3'];
const NAMES = ['ws', 'out', 'a', 'b', 'c', 'd', 'f.txt', 'g.txt', 'h.txt', 'secret.txt', 'missing', ...LINK_NAMES];

const component = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...NAMES) }, { weight: 3, arbitrary: fc.constant('..') }, { weight: 1, arbitrary: fc.constant('.') });
const relativePath = fc.tuple(fc.array(component, { minLength: 1, maxLength: 6 }), fc.boolean()).map(([parts, slash]) => parts.join('/') + (slash ? '/' : ''));
/** Targets: mostly real folders deep on either side (where a following `..` matters), else anything. */
const target = fc.oneof(fc.constantFrom(...DIRS, 'out/c/d/../..', 'missing/x'), relativePath);
const link = fc.record({
  at: fc.oneof({ weight: 3, arbitrary: fc.constant('ws') }, { weight: 2, arbitrary: fc.constantFrom(...DIRS, '.') }),
  name: fc.constantFrom(...LINK_NAMES),
  absolute: fc.boolean(),
  target,
});
/** Paths that often start at a link and climb out of it. */
const path = fc.oneof(relativePath, fc.tuple(fc.constantFrom(...LINK_NAMES), relativePath).map(([l, rest]) => `${l}/${rest}`));
const layout = fc.record({ links: fc.array(link, { maxLength: 6 }), path, from: fc.constantFrom('workspace', 'absolute-workspace', 'absolute-root') });

/** Builds the layout in a fresh folder; returns the root (real path). */
function build(links: Array<{ at: string; name: string; absolute: boolean; target: string }>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ducklm-judge-')));
  for (const dir of DIRS) mkdirSync(join(root, dir), { recursive: true });
  for (const file of FILES) writeFileSync(join(root, file), file);
  for (const l of links) {
    try {
      symlinkSync(l.absolute ? `${root}/${l.target}` : relativeTarget(l.at, l.target), join(root, l.at, l.name));
    } catch {
      // Two links drawn with the same name in one folder: the first one stays.
    }
  }
  return root;
}

/** A relative link written as if from the root, so that it lands where the absolute one would, half the time. */
function relativeTarget(at: string, target: string): string {
  return at === '.' ? target : `${at.split('/').map(() => '..').join('/')}/${target}`;
}

function realpathOrNull(path: string): string | null {
  try {
    // The kernel's own resolution (realpath(3)); the JS realpathSync normalises `..` as text first.
    return realpathSync.native(path);
  } catch {
    return null;
  }
}

/**
 * What the kernel says about `full`: for a path that exists, whether its real path is inside; for one
 * that does not, whether its deepest existing part is inside, when that is well defined (no `..`
 * after the missing part, and the missing part is not a dangling symlink). Undefined otherwise.
 */
function kernelVerdict(ws: string, full: string): boolean | undefined {
  const real = realpathOrNull(full);
  if (real !== null) return isWithin(ws, real);
  const parts = full.split('/');
  for (let k = parts.length - 1; k >= 1; k--) {
    const prefix = parts.slice(0, k).join('/') || '/';
    const prefixReal = realpathOrNull(prefix);
    if (prefixReal === null) continue;
    const rest = parts.slice(k).filter((p) => p !== '' && p !== '.');
    if (rest.includes('..')) return undefined;
    const next = rest[0];
    if (next !== undefined) {
      try {
        if (lstatSync(join(prefixReal, next)).isSymbolicLink()) return undefined;
      } catch {
        // Missing, as expected.
      }
    }
    return isWithin(ws, prefixReal);
  }
  return undefined;
}

describe('the path judge agrees with the kernel', () => {
  it('for random symlink, `..` and trailing-slash layouts', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(layout, async ({ links, path, from }) => {
        const root = build(links);
        try {
          const ws = join(root, 'ws');
          const written = from === 'workspace' ? path : from === 'absolute-workspace' ? `${root}/ws/${path}` : `${root}/${path}`;
          const full = isAbsolute(written) ? written : `${ws}/${written}`;
          const expected = kernelVerdict(ws, full);
          const judged = await resolveInWorkspace(ws, written);
          if (expected === undefined) {
            // Not resolvable by the kernel: whatever the judge says, it must not crash.
            return;
          }
          compared++;
          const why = `${written} with links ${JSON.stringify(links)}`;
          expect(judged.concern !== 'outside', why).toBe(expected);
          // The shell tool judges the same path the same way, after `--` too.
          const ctx: ToolContext = { workspace: ws, signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 65536 } };
          for (const command of [`cat ${written}`, `find -- ${written}`]) {
            expect((await shellExecSafe.approval({ command }, ctx)).kind, `${command} / ${why}`).toBe(expected ? 'allow' : 'ask');
          }
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 400 },
    );
    // The property means something only if most layouts had a defined answer.
    expect(compared).toBeGreaterThan(120);
  }, 120_000);
});

describe('leaving the workspace through the file system (issue examples)', () => {
  function setup() {
    const root = realpathSync(tempDir());
    const ws = join(root, 'ws');
    const outside = join(root, 'outside');
    mkdirSync(join(outside, 'dir', 'sub'), { recursive: true });
    mkdirSync(ws);
    writeFileSync(join(outside, 'dir', 'secret.txt'), 'outside secret\n');
    writeFileSync(join(outside, 'hardlinked.txt'), 'hard secret\n');
    writeFileSync(join(ws, 'secret.txt'), 'inside\n');
    symlinkSync(join(outside, 'dir', 'sub'), join(ws, 'docs'));
    symlinkSync(outside, join(ws, ',link'));
    linkSync(join(outside, 'hardlinked.txt'), join(ws, 'notes.txt'));
    const ctx: ToolContext = { workspace: ws, signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 64 * 1024 } };
    return { root, ws, outside, ctx };
  }

  it.each(['cat docs/../secret.txt', 'ls docs/..', 'find -- OUTSIDE', 'find ,link/', 'cat notes.txt', 'head -n 1 docs/../secret.txt', 'find -- ,link'])('%j asks', async (template) => {
    const { outside, ctx } = setup();
    const command = template.replace('OUTSIDE', outside);
    const decision = await shellExecSafe.approval({ command }, ctx);
    expect(decision.kind).toBe('ask');
  });

  it('names where `..` after a symlink really leads', async () => {
    const { outside, ctx } = setup();
    const decision = await shellExecSafe.approval({ command: 'cat docs/../secret.txt' }, ctx);
    expect(decision.kind === 'ask' && decision.reason).toContain(join(outside, 'dir', 'secret.txt'));
  });

  it('file_read and list_dir judge `..` after a symlink as the kernel does', async () => {
    const { ctx } = setup();
    expect((await fileRead.approval({ path: 'docs/../secret.txt' }, ctx)).kind).toBe('ask');
    expect((await listDir.approval({ path: 'docs/..' }, ctx)).kind).toBe('ask');
    expect((await listDir.approval({ path: ',link/' }, ctx)).kind).toBe('ask');
    // The plain file of the same name inside the workspace is still read at once.
    expect((await fileRead.approval({ path: 'secret.txt' }, ctx)).kind).toBe('allow');
  });

  it('a hard-linked file asks, and says why', async () => {
    const { ctx } = setup();
    const decision = await fileRead.approval({ path: 'notes.txt' }, ctx);
    expect(decision.kind === 'ask' && decision.reason).toMatch(/hard link/);
    expect(await fileRead.ruleTarget!({ path: 'notes.txt' }, ctx)).toBeNull();
  });

  it('still runs what stays inside', async () => {
    const { ctx } = setup();
    for (const command of ['cat secret.txt', "find . -name '*.txt'", 'ls -la', 'git log --oneline -5', 'head -n 3 secret.txt']) {
      expect((await shellExecSafe.approval({ command }, ctx)).kind, command).toBe('allow');
    }
  });

  it('a symlink loop is judged outside, not followed forever', async () => {
    const { ws } = setup();
    symlinkSync('loop-b', join(ws, 'loop-a'));
    symlinkSync('loop-a', join(ws, 'loop-b'));
    expect((await resolveInWorkspace(ws, 'loop-a/x')).inside).toBe(false);
  });
});

describe('the workspace itself', () => {
  it('a relative workspace is taken from the current folder, as before', async () => {
    const { resolveWorkspace } = await import('../../src/tools/workspace-path.js');
    expect(await resolveWorkspace('.')).toBe(realpathSync(process.cwd()));
    expect(await resolveWorkspace('test/..')).toBe(realpathSync(process.cwd()));
  });
});
