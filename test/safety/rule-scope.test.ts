import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { RulesRepo } from '../../src/store/rules-repo.js';
import { fileRead } from '../../src/tools/file-read.js';
import { listDir } from '../../src/tools/list-dir.js';
import type { AnyTool, ToolContext } from '../../src/tools/tool.js';
import { FakeCommandRunner } from '../support/fake-command-runner.js';
import { tempDir } from '../support/temp-dir.js';

/** An outside tree with dotfolders, look-alike siblings and nesting. */
const FOLDERS = ['out', 'out/.ssh', 'out/sub', 'out/sub/deep', 'out-evil', 'other'];
const FILES = FOLDERS.flatMap((f) => [`${f}/notes.txt`, `${f}/id_rsa`]);

function setup() {
  const root = realpathSync(tempDir());
  mkdirSync(join(root, 'ws'));
  for (const f of FOLDERS) mkdirSync(join(root, f), { recursive: true });
  for (const f of FILES) writeFileSync(join(root, f), f);
  const ctx: ToolContext = { workspace: join(root, 'ws'), signal: new AbortController().signal, runner: new FakeCommandRunner(), plannerRisk: 'low', limits: { commandTimeoutMs: 5000, maxOutputBytes: 65536 } };
  return { root, ctx, rules: new RulesRepo(openDatabase(':memory:')) };
}

/** Approves `approved` with "always allow" as the HTTP route does; then says whether `requested` is covered. */
async function covered(tool: AnyTool, ctx: ToolContext, rules: RulesRepo, approved: string, requested: string): Promise<boolean> {
  const target = await tool.ruleTarget!({ path: approved }, ctx);
  rules.add(ctx.workspace, tool.name, target!, 'approval-1');
  const asked = await tool.ruleTarget!({ path: requested }, ctx);
  return asked !== null && rules.match(ctx.workspace, tool.name, asked) !== undefined;
}

describe('an always-allow rule covers exactly what the card said', () => {
  it('file_read: the files directly in the approved file’s folder, for random paths', async () => {
    const { root, ctx } = setup();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FILES), fc.constantFrom(...FILES, ...FOLDERS), fc.boolean(), async (approved, requested, viaDots) => {
        const rules = new RulesRepo(openDatabase(':memory:'));
        const written = viaDots ? `../ws/../${requested}` : join(root, requested);
        const card = await fileRead.approval({ path: join(root, approved) }, ctx);
        // The card names the scope...
        expect(card.kind === 'ask' && card.reason).toContain(`reading the files directly in ${dirname(join(root, approved))} (not in its subfolders)`);
        // ...and the rule covers that and nothing else.
        expect(await covered(fileRead, ctx, rules, join(root, approved), written)).toBe(dirname(join(root, requested)) === dirname(join(root, approved)));
      }),
      { numRuns: 150 },
    );
  });

  it('list_dir: the approved folder only, not its subfolders', async () => {
    const { root, ctx } = setup();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FOLDERS), fc.constantFrom(...FOLDERS), async (approved, requested) => {
        const rules = new RulesRepo(openDatabase(':memory:'));
        const card = await listDir.approval({ path: join(root, approved) }, ctx);
        expect(card.kind === 'ask' && card.reason).toContain(`listing ${join(root, approved)} itself (not its subfolders)`);
        expect(await covered(listDir, ctx, rules, join(root, approved), join(root, requested))).toBe(approved === requested);
      }),
      { numRuns: 60 },
    );
  });

  it('"always allow" on /out/notes.txt does not cover /out/.ssh/id_rsa (the issue’s example)', async () => {
    const { root, ctx, rules } = setup();
    expect(await covered(fileRead, ctx, rules, join(root, 'out/notes.txt'), join(root, 'out/.ssh/id_rsa'))).toBe(false);
    expect(await covered(fileRead, ctx, rules, join(root, 'out/notes.txt'), join(root, 'out/sub/deep/notes.txt'))).toBe(false);
    expect(await covered(listDir, ctx, rules, join(root, 'out'), join(root, 'out/.ssh'))).toBe(false);
  });
});
