import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskLog } from '../../src/runtime/task-log.js';
import { undoFileChange } from '../../src/runtime/undo-file-change.js';
import { Store } from '../../src/store/store.js';
import { fileEdit } from '../../src/tools/file-edit.js';
import { fileWrite } from '../../src/tools/file-write.js';
import { encodeText, type TextEncodingName } from '../../src/tools/text-encoding.js';
import type { AnyTool, ExecuteContext } from '../../src/tools/tool.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

const MARK = '⟦edit here⟧';
/** Text of one line: any code points but NUL (a binary file) and line breaks, which the test places. */
const lineText = fc.fullUnicodeString({ maxLength: 12 }).filter((s) => !/[\0\r\n]/.test(s) && !s.includes(MARK));
const ending = fc.constantFrom('\n', '\r\n');
const encoding = fc.constantFrom<TextEncodingName>('utf8', 'utf8-bom', 'utf16le', 'utf16be');
/** Lines with one ending for the whole file, or a random one per line (a mixed file is left as written). */
const fileLines = fc.record({ lines: fc.array(fc.tuple(lineText, ending), { maxLength: 8 }), mixed: fc.boolean(), ending });

function setup() {
  const ws = realpathSync(tempDir());
  const store = Store.open(':memory:');
  const deps = { store, taskLog: new TaskLog(store), protectedPaths: [] };
  const ctx: ExecuteContext = { workspace: ws, signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 65536 } };
  return { ws, store, deps, ctx };
}

const render = ({ lines, mixed, ending }: { lines: Array<[string, string]>; mixed: boolean; ending: string }) => lines.map(([text, own]) => text + (mixed ? own : ending)).join('');

/** Runs the tool, records its change as the runtime does, then undoes it. */
async function changeThenUndo(env: ReturnType<typeof setup>, tool: AnyTool, input: Record<string, unknown>) {
  const result = await tool.execute(input, env.ctx);
  expect(result.ok, result.output).toBe(true);
  const change = result.fileChange!;
  const id = env.store.fileChanges.add({ task_id: 'task_gone', call_id: 'call', tool: tool.name, workspace: change.workspace, path: change.path, before: change.before, after_sha256: change.afterSha256, diff: change.diff });
  const after = readFileSync(change.path);
  await undoFileChange(env.deps, id, undefined);
  return after;
}

describe('an edit, then its undo, gives back the exact bytes', () => {
  it('for random text, line endings, encodings and byte-order marks', async () => {
    const env = setup();
    const path = join(env.ws, 'f.txt');
    await fc.assert(
      fc.asyncProperty(fileLines, fileLines, encoding, fc.array(lineText, { maxLength: 3 }), async (head, tail, enc, replacement) => {
        const text = render(head) + MARK + render(tail);
        const original = encodeText(text, enc);
        writeFileSync(path, original);
        const after = await changeThenUndo(env, fileEdit, { path: 'f.txt', old: MARK, new: replacement.join('\n') });
        // The edit kept the encoding (its byte-order mark) ...
        expect(after.subarray(0, 2).equals(original.subarray(0, 2)) || enc === 'utf8').toBe(true);
        // ... and a file whose every line ended in CRLF still does.
        const crlfFile = !text.replace(/\r\n/g, '').includes('\n') && text.includes('\r\n');
        const decoded = new TextDecoder(enc.startsWith('utf16') ? (enc === 'utf16le' ? 'utf-16le' : 'utf-16be') : 'utf-8').decode(after);
        if (crlfFile) expect(decoded.replace(/\r\n/g, '')).not.toContain('\n');
        expect(readFileSync(path).equals(original)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a write over a CRLF file keeps CRLF, and its undo restores the file', async () => {
    const env = setup();
    const path = join(env.ws, 'w.txt');
    await fc.assert(
      fc.asyncProperty(fc.array(lineText, { minLength: 1, maxLength: 6 }), fc.array(lineText, { minLength: 2, maxLength: 6 }), encoding, async (before, content, enc) => {
        const original = encodeText(`${before.join('\r\n')}\r\n`, enc);
        writeFileSync(path, original);
        const planned = `${content.join('\n')}\n`;
        const expected = encodeText(planned.replace(/\n/g, '\r\n'), enc);
        // Writing what the file already holds is refused as "nothing to change".
        fc.pre(!expected.equals(original));
        const after = await changeThenUndo(env, fileWrite, { path: 'w.txt', content: planned });
        expect(after.equals(expected)).toBe(true);
        expect(readFileSync(path).equals(original)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
