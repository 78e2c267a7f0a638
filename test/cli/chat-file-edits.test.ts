/**
 * File edits in `ducklm chat` (issue 17): the approval prompt shows the diff and what "always"
 * covers, the applied change is said with how to take it back, and /undo, /changes and a refused
 * undo. The built CLI in a real terminal (tmux), a real `ducklm serve`, a scripted fake model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import type { FakeRequest, FakeScript } from '../support/fake-openai-server.js';
import { hasObservations, NOTHING_TO_STORE, startCliStack } from './cli-stack.js';

beforeAll(assertBuilt);

const WAIT = { timeout: 30_000 };

const lastUserText = (request: FakeRequest) => request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';

/** The planner edits notes.txt as the message says ("SECOND", "THIRD"), once per message; the thinker says done. */
function editingScript(): FakeScript {
  return (request) => {
    if (request.model === 'planner') {
      const message = lastUserText(request);
      const edit = message.includes('second') ? { old: 'second', new: 'SECOND' } : message.includes('third') ? { old: 'third', new: 'THIRD' } : null;
      const actions = edit && !hasObservations(request) ? [{ tool: 'file_edit', args: { path: 'notes.txt', ...edit }, reason: 'the user asked for it' }] : [];
      return { content: JSON.stringify({ kind: 'action_directive', intent: 'edit the note', risk_level: 'low', actions }) };
    }
    if (request.model === 'thinker') return { content: 'edited it' };
    return NOTHING_TO_STORE;
  };
}

const BEFORE = 'first\nsecond\nthird\n';

describe('file edits in ducklm chat', { timeout: 120_000 }, () => {
  it('the prompt shows the diff; approved, the chat says how to undo; /undo restores the bytes, and refuses once the file changed', async () => {
    const stack = await startCliStack(editingScript());
    const file = join(stack.workspace, 'notes.txt');
    writeFileSync(file, BEFORE);
    const term = await stack.chat();
    await term.waitFor(/^› $/m, WAIT);

    await term.typeLine('/undo');
    await term.waitFor('Nothing to undo: no file was written or edited in this conversation.', WAIT);

    await term.typeLine('fix the second line');
    const asked = await term.waitFor('Allow? [o]nce / [a]lways allow edits in this workspace / [d]eny ›', WAIT);
    expect(asked).toMatch(/\? file_edit wants to use: notes\.txt\n.*\n.*\n {2}notes\.txt \+1 −1\n {2}@@ -1,3 \+1,3 @@\n {3}first\n {2}-second\n {2}\+SECOND\n {3}third\n/);
    // Coloured on the terminal: removed red, added green.
    const escapes = await term.screen({ escapes: true });
    expect(escapes).toMatch(/\x1b\[31m-second/);
    expect(escapes).toMatch(/\x1b\[32m\+SECOND/);
    expect(readFileSync(file, 'utf8')).toBe(BEFORE);

    await term.typeLine('o');
    await term.waitFor('✎ edited notes.txt — /undo to take it back', WAIT);
    await term.waitFor(/tok\/s/, WAIT);
    await term.waitFor(/^› $/m, WAIT);
    expect(readFileSync(file, 'utf8')).toBe('first\nSECOND\nthird\n');

    // A second change, so that /changes and /undo N have two to choose from.
    await term.typeLine('now the third line');
    await term.waitFor(/Allow\? \[o\]nce \/ \[a\]lways allow edits in this workspace \/ \[d\]eny › $/m, WAIT);
    await term.typeLine('o');
    await term.waitFor(/› now the third line\n[\s\S]*✎ edited notes\.txt — \/undo to take it back\n[\s\S]*tok\/s/, WAIT);
    await term.waitFor(/^› $/m, WAIT);
    expect(readFileSync(file, 'utf8')).toBe('first\nSECOND\nTHIRD\n');

    await term.typeLine('/changes');
    await term.waitFor(/#\s+change\s+when\s+file\n1\s+edited\s+.*notes\.txt\n2\s+edited\s+.*notes\.txt\n/, WAIT);

    // The older change cannot go back while the newer one changed the file since.
    await term.typeLine('/undo 2');
    await term.waitFor(/✗ Not undone \(edited notes\.txt\): .*notes\.txt was changed since ducklm changed it/, WAIT);
    expect(readFileSync(file, 'utf8')).toBe('first\nSECOND\nTHIRD\n');

    await term.typeLine('/undo');
    await term.waitFor('↶ Undid: edited notes.txt (the file is back as it was)', WAIT);
    expect(readFileSync(file, 'utf8')).toBe('first\nSECOND\nthird\n');
    await term.waitFor('1 more change can be undone: /changes lists them.', WAIT);

    await term.typeLine('/undo');
    await term.waitFor(/↶ Undid: edited notes\.txt \(the file is back as it was\)\n(?!.*more change)/, WAIT);
    expect(readFileSync(file, 'utf8')).toBe(BEFORE);

    await term.typeLine('/undo');
    await term.waitFor('Nothing to undo: all 2 changes were undone already.', WAIT);
    await term.typeLine('/changes');
    await term.waitFor(/#\s+change\s+when\s+file\n\s+undone\s+.*notes\.txt\n\s+undone\s+.*notes\.txt\n/, WAIT);
  });

  it('a diff with escape sequences in the file shows them inert; /help lists /undo and /changes', async () => {
    const stack = await startCliStack(editingScript());
    const file = join(stack.workspace, 'notes.txt');
    writeFileSync(file, 'first\nsecond \x1b[2J\x1b]0;pwned\x07\nthird\n');
    const term = await stack.chat();
    await term.waitFor(/^› $/m, WAIT);
    await term.typeLine('/help');
    await term.waitFor(/\/undo \[N\]\s+undo ducklm's last file write or edit here/, WAIT);
    await term.waitFor(/\/changes\s+list the files written or edited in this conversation/, WAIT);

    await term.typeLine('fix the second line');
    const asked = await term.waitFor(/Allow\? \[o\]nce \/ \[a\]lways allow edits in this workspace \/ \[d\]eny › $/m, WAIT);
    expect(asked).toContain('-second \\x1b[2J\\x1b]0;pwned\\x07');
    expect(asked).toContain('+SECOND \\x1b[2J\\x1b]0;pwned\\x07');
    expect(await term.screen({ escapes: true })).not.toMatch(/\x1b\]0;pwned/);
    await term.typeLine('d');
    await term.waitFor(/^› $/m, WAIT);
    expect(readFileSync(file, 'utf8')).toBe('first\nsecond \x1b[2J\x1b]0;pwned\x07\nthird\n');
  });
});
