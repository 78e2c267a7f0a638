import { chmodSync, linkSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '../../src/tools/file-bytes.js';
import { fileEdit } from '../../src/tools/file-edit.js';
import { fileWrite } from '../../src/tools/file-write.js';
import type { ExecuteContext } from '../../src/tools/tool.js';
import { MAX_DIFF_CHARS } from '../../src/tools/unified-diff.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

function setup() {
  const root = realpathSync(tempDir());
  const ws = join(root, 'ws');
  mkdirSync(ws);
  const ctx: ExecuteContext = { workspace: ws, signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 65536 }, protectedPaths: [join(root, 'data')] };
  return { root, ws, ctx };
}

const refusal = async (decision: Promise<{ kind: string; reason?: string }>) => {
  const d = await decision;
  expect(d.kind).toBe('refuse');
  return d.reason!;
};

describe('file_write and file_edit refuse what they cannot do, before anyone is asked', () => {
  it('a binary file, a non-UTF-8 file, a folder', async () => {
    const { ws, ctx } = setup();
    writeFileSync(join(ws, 'bin'), Buffer.from([0x41, 0x00, 0x42]));
    writeFileSync(join(ws, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    mkdirSync(join(ws, 'folder'));
    expect(await refusal(fileEdit.approval({ path: 'bin', old: 'A', new: 'B' }, ctx))).toContain('binary');
    expect(await refusal(fileWrite.approval({ path: 'latin1.txt', content: 'café' }, ctx))).toContain('is not UTF-8 text');
    expect(await refusal(fileWrite.approval({ path: 'folder', content: 'x' }, ctx))).toContain('folder is a folder');
  });

  it('files and contents over 1 MiB, saying the bound', async () => {
    const { ws, ctx } = setup();
    writeFileSync(join(ws, 'big.txt'), 'x'.repeat(MAX_FILE_BYTES + 1));
    expect(await refusal(fileEdit.approval({ path: 'big.txt', old: 'x', new: 'y' }, ctx))).toContain('at most 1 MiB');
    expect(await refusal(fileWrite.approval({ path: 'new.txt', content: 'y'.repeat(MAX_FILE_BYTES + 1) }, ctx))).toContain('at most 1 MiB');
  });

  it('"old" missing or ambiguous says how many times it was found; an edit of a missing file says so', async () => {
    const { ws, ctx } = setup();
    writeFileSync(join(ws, 'a.txt'), 'aaa\n');
    expect(await refusal(fileEdit.approval({ path: 'a.txt', old: 'b', new: 'c' }, ctx))).toContain('found 0 times');
    // Overlapping matches count: "aa" is in "aaa" twice.
    expect(await refusal(fileEdit.approval({ path: 'a.txt', old: 'aa', new: 'c' }, ctx))).toContain('found 2 times');
    expect(await refusal(fileEdit.approval({ path: 'nope.txt', old: 'a', new: 'c' }, ctx))).toContain('does not exist');
    expect(await refusal(fileWrite.approval({ path: 'a.txt', content: 'aaa\n' }, ctx))).toContain('nothing to change');
  });

  it("ducklm's own data, /proc and hard links are never written; no rule is offered", async () => {
    const { root, ws, ctx } = setup();
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data', 'api-token'), 'secret');
    symlinkSync(join(root, 'data'), join(ws, 'data-link'));
    writeFileSync(join(ws, 'a.txt'), 'a');
    linkSync(join(ws, 'a.txt'), join(ws, 'b.txt'));
    expect(await refusal(fileWrite.approval({ path: 'data-link/api-token', content: 'mine' }, ctx))).toContain('not even with approval');
    expect(await refusal(fileWrite.approval({ path: '/proc/self/environ', content: 'x' }, ctx))).toContain('/proc');
    expect(await refusal(fileEdit.approval({ path: 'b.txt', old: 'a', new: 'b' }, ctx))).toContain('hard link');
    expect(await fileWrite.ruleTarget!({ path: 'data-link/api-token', content: 'x' }, ctx)).toBeNull();
    // Executing anyway (as a stale approval would) writes nothing.
    expect((await fileWrite.execute({ path: 'data-link/api-token', content: 'mine' }, ctx)).ok).toBe(false);
    expect(readFileSync(join(root, 'data', 'api-token'), 'utf8')).toBe('secret');
  });

  it('a new file outside the workspace in a missing folder is refused; inside, its folders are made', async () => {
    const { root, ws, ctx } = setup();
    expect(await refusal(fileWrite.approval({ path: join(root, 'missing', 'x.txt'), content: 'x' }, ctx))).toContain('makes folders only inside the workspace');
    const asked = await fileWrite.approval({ path: 'a/b/c.txt', content: 'x\n' }, ctx);
    expect(asked.kind === 'ask' && asked.reason).toContain('create a/b/c.txt (and its folder a/b)');
    const result = await fileWrite.execute({ path: 'a/b/c.txt', content: 'x\n' }, ctx);
    expect(result.fileChange).toMatchObject({ created: true, before: null, path: join(ws, 'a/b/c.txt') });
    expect(readFileSync(join(ws, 'a/b/c.txt'), 'utf8')).toBe('x\n');
  });
});

describe('where they ask and what a rule covers', () => {
  it('inside: asks with the diff, and "always allow" covers the workspace', async () => {
    const { ws, ctx } = setup();
    const asked = await fileWrite.approval({ path: 'n.txt', content: 'hi\n' }, ctx);
    expect(asked).toMatchObject({ kind: 'ask', actionType: 'file_write', needsPassword: false, diff: '--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,1 @@\n+hi\n' });
    expect(await fileWrite.ruleTarget!({ path: 'n.txt', content: '' }, ctx)).toEqual({ kind: 'edits', pattern: ws });
    expect(await fileEdit.ruleTarget!({ path: 'deep/x.txt', old: 'a', new: '' }, ctx)).toEqual({ kind: 'edits', pattern: ws });
  });

  it('outside, or through a symlink that leads outside: asks, no rule', async () => {
    const { root, ws, ctx } = setup();
    writeFileSync(join(root, 'outside.txt'), 'o\n');
    symlinkSync(join(root, 'outside.txt'), join(ws, 'innocent.txt'));
    for (const path of [join(root, 'outside.txt'), 'innocent.txt']) {
      const asked = await fileEdit.approval({ path, old: 'o', new: 'p' }, ctx);
      expect(asked.kind === 'ask' && asked.reason, path).toContain('outside the workspace');
      expect(asked.kind === 'ask' && asked.diff).toBe(`--- a${join(root, 'outside.txt')}\n+++ b${join(root, 'outside.txt')}\n@@ -1,1 +1,1 @@\n-o\n+p\n`);
      expect(await fileEdit.ruleTarget!({ path, old: 'o', new: 'p' }, ctx)).toBeNull();
    }
  });

  it('an outside write with no approved diff (a link swapped in after the rule allowed it) is not applied', async () => {
    const { root, ctx } = setup();
    writeFileSync(join(root, 'outside.txt'), 'o\n');
    const result = await fileWrite.execute({ path: join(root, 'outside.txt'), content: 'mine\n' }, ctx);
    expect(result.ok).toBe(false);
    expect(readFileSync(join(root, 'outside.txt'), 'utf8')).toBe('o\n');
    expect((await fileWrite.execute({ path: join(root, 'outside.txt'), content: 'mine\n' }, { ...ctx, approvedDiff: '--- a/x' })).output).toContain('changed since you approved');
  });

  it('a long diff is cut with a line that says so', async () => {
    const { ctx } = setup();
    const content = Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n');
    const asked = await fileWrite.approval({ path: 'long.txt', content }, ctx);
    const diff = asked.kind === 'ask' ? asked.diff! : '';
    expect(diff.length).toBeLessThanOrEqual(MAX_DIFF_CHARS + 200);
    expect(diff).toMatch(/\\ diff cut at 64 KB: \d+ more lines not shown \(full diff [0-9a-f]{16}\)\n$/);
  });
});

describe('what they write keeps the file as it was made', () => {
  it('a write to a CRLF file keeps CRLF; a new file is written as given', async () => {
    const { ws, ctx } = setup();
    writeFileSync(join(ws, 'win.txt'), 'a\r\nb\r\n');
    await fileWrite.execute({ path: 'win.txt', content: 'x\ny\n' }, ctx);
    expect(readFileSync(join(ws, 'win.txt'), 'latin1')).toBe('x\r\ny\r\n');
    await fileWrite.execute({ path: 'unix.txt', content: 'x\ny\n' }, ctx);
    expect(readFileSync(join(ws, 'unix.txt'), 'latin1')).toBe('x\ny\n');
  });

  it('an edit of a CRLF file matches "old" written with LF and keeps CRLF', async () => {
    const { ws, ctx } = setup();
    writeFileSync(join(ws, 'win.txt'), 'one\r\ntwo\r\nthree\r\n');
    const result = await fileEdit.execute({ path: 'win.txt', old: 'one\ntwo\n', new: 'uno\ndos\n' }, ctx);
    expect(result.ok).toBe(true);
    expect(readFileSync(join(ws, 'win.txt'), 'latin1')).toBe('uno\r\ndos\r\nthree\r\n');
  });

  it.each([
    ['UTF-8 with BOM', Buffer.from([0xef, 0xbb, 0xbf]), (s: string) => Buffer.from(s, 'utf8')],
    ['UTF-16 LE', Buffer.from([0xff, 0xfe]), (s: string) => Buffer.from(s, 'utf16le')],
    ['UTF-16 BE', Buffer.from([0xfe, 0xff]), (s: string) => Buffer.from(s, 'utf16le').swap16()],
  ])('%s is decoded, edited and written back the same way', async (_name, bom, encode) => {
    const { ws, ctx } = setup();
    writeFileSync(join(ws, 'f.txt'), Buffer.concat([bom, encode('grüße 😀\nzwei\n')]));
    const result = await fileEdit.execute({ path: 'f.txt', old: 'zwei', new: 'drei ✓' }, ctx);
    expect(result.ok).toBe(true);
    expect(readFileSync(join(ws, 'f.txt'))).toEqual(Buffer.concat([bom, encode('grüße 😀\ndrei ✓\n')]));
  });

  it("a replaced file keeps its mode", async () => {
    const { ws, ctx } = setup();
    writeFileSync(join(ws, 'run.sh'), '#!/bin/sh\necho a\n');
    chmodSync(join(ws, 'run.sh'), 0o750);
    await fileEdit.execute({ path: 'run.sh', old: 'echo a', new: 'echo b' }, ctx);
    expect(statSync(join(ws, 'run.sh')).mode & 0o7777).toBe(0o750);
    expect(readFileSync(join(ws, 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho b\n');
  });
});
