/**
 * `ducklm chat` (the built bin/ducklm.js) in a real terminal (tmux) against a real `ducklm serve`
 * process and a fake model server: what a person sees and what their keys do.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { fakeSudoDir } from '../support/fake-sudo.js';
import { afterThisTest } from '../support/temp-dir.js';
import { commandScript, startCliStack, TOKEN, type CliStack } from './cli-stack.js';

beforeAll(assertBuilt);

const PASSWORD = 'Tr0ub4dor-&-3-cli';

/** The ids of the (only) conversation's tasks, in order, from the API: the chat does not show ids. */
async function taskIds(stack: CliStack): Promise<string[]> {
  const { conversations } = await stack.api<{ conversations: { id: string }[] }>('GET', '/v1/conversations');
  const { messages } = await stack.api<{ messages: { role: string; task_id: string }[] }>('GET', `/v1/conversations/${conversations[0]!.id}`);
  return messages.filter((m) => m.role === 'user').map((m) => m.task_id);
}

/** A chat whose model asks to run `command` (behind a fake sudo), allowed once: it stops at the password prompt. */
async function atSudoPrompt(command: string, answer: string) {
  const stack = await startCliStack(commandScript(command, { content: answer }), { path: `${fakeSudoDir(PASSWORD)}:${process.env.PATH}` });
  const term = await stack.chat();
  await term.waitFor(/^› $/m);
  await term.typeLine('run echo as root');
  // sudo is never "always allowed", so that is not offered.
  await term.waitFor('Allow? [o]nce / [d]eny ›');
  await term.typeLine('o');
  await term.waitFor(/^sudo password: $/m);
  return { stack, term };
}

describe('ducklm chat', () => {
  it('streams the answer after its reasoning, shows speed, keeps the conversation across turns, and leaves on Ctrl-D', async () => {
    const stack = await startCliStack(commandScript(null, { reasoning: 'The user greets me warmly.', content: 'Quack! Hello from the pond.' }));
    const term = await stack.chat();
    await term.waitFor(/^› $/m);

    await term.typeLine('hello duck');
    const screen = await term.waitFor(/tok\/s/);
    // Reasoning first, then a blank line, then the answer, then the figures.
    expect(screen).toMatch(/^› hello duck\nThe user greets me warmly\.\n\nQuack! Hello from the pond\.\n\d+ tokens · [\d.]+ tok\/s · [\d.]+ s\n/m);
    // On a terminal, without NO_COLOR, the reasoning and the figures are dim (SGR 2); the answer is not.
    const styled = await term.screen({ escapes: true });
    expect(styled).toMatch(/\x1b\[2mThe user greets me warmly\./);
    expect(styled).toMatch(/\x1b\[2m\d+ tokens ·/);
    expect(styled).not.toMatch(/\x1b\[2m[^\n]*Quack! Hello/);

    await term.typeLine('and once more');
    // Keys typed while an answer streams are dropped, so the test waits for the prompt.
    await term.waitFor(/^› and once more\n[\s\S]*Quack! Hello from the pond\.\n.*tok\/s.*\n\n› $/m);
    // The second turn went to the same conversation: the model saw the first exchange.
    const second = stack.model.requests.filter((r) => r.model === 'thinker')[1]!;
    expect(second.messages.map((m) => m.content).join('\n')).toContain('hello duck');
    expect((await stack.api('GET', '/v1/conversations')).conversations).toHaveLength(1);

    await term.sendKeys('C-d');
    expect(await term.waitForExit()).toBe(0);
  });

  it('asks before running a command; "once" runs it and its output shows', async () => {
    const stack = await startCliStack(commandScript('echo duck-cli-once', { content: 'The command said duck-cli-once.' }));
    const term = await stack.chat();
    await term.waitFor(/^› $/m);

    await term.typeLine('what does echo say?');
    const asked = await term.waitFor('Allow? [o]nce / [a]lways / [d]eny ›');
    expect(asked).toContain('shell_exec_safe wants to run: echo duck-cli-once');
    expect(asked).toMatch(/risk: medium · action: \w+/);
    expect(asked).toContain("The planner's reason: the user asked for it");

    await term.typeLine('o');
    const screen = await term.waitFor('The command said duck-cli-once.');
    expect(screen).toMatch(/▸ shell_exec_safe: echo duck-cli-once\n {2}✓ done\n {4}duck-cli-once\n/);
    const [audit] = await stack.api('GET', '/v1/audit/commands');
    expect(audit.payload).toMatchObject({ command: 'echo duck-cli-once', outcome: 'ran', approved_by: 'person' });
  });

  it('"deny" runs nothing, and the answer explains', async () => {
    const stack = await startCliStack(commandScript('touch made-by-duck', { content: 'I did not create the file, as you asked.' }));
    const term = await stack.chat();
    await term.waitFor(/^› $/m);

    await term.typeLine('create a file');
    await term.waitFor('Allow? [o]nce / [a]lways / [d]eny ›');
    // Anything but an answer is asked again: a stray key approves nothing.
    await term.typeLine('maybe');
    await term.waitFor('Type o to allow it once');
    await term.typeLine('d');
    const screen = await term.waitFor('I did not create the file, as you asked.');
    expect(screen).toContain('✗ denied: touch made-by-duck');
    expect(screen).not.toContain('▸ shell_exec_safe');
    const [audit] = await stack.api('GET', '/v1/audit/commands');
    expect(audit.payload).toMatchObject({ command: 'touch made-by-duck', outcome: 'denied', approved: false });
  });

  it('asks for the sudo password without showing it, and the command runs with it', async () => {
    const { stack, term } = await atSudoPrompt('sudo echo duck-sudo-ok', 'sudo said duck-sudo-ok.');
    await term.sendKeys({ text: PASSWORD });
    await term.sendKeys('Enter');

    const screen = await term.waitFor('sudo said duck-sudo-ok.');
    expect(screen).toMatch(/▸ shell_exec_safe: sudo echo duck-sudo-ok\n {2}✓ done\n {4}duck-sudo-ok\n/);
    // Not the password, not a mask of it: the prompt's line stays empty.
    expect(screen).toMatch(/^sudo password: *$/m);
    expect(screen).not.toContain(PASSWORD);
    expect(screen).not.toContain('*****');
    expect(JSON.stringify(await stack.api('GET', '/v1/audit/commands'))).not.toContain(PASSWORD);
  });

  it('Ctrl-C at the password prompt ends the task', async () => {
    const { stack, term } = await atSudoPrompt('sudo echo never', 'unused');
    await term.sendKeys({ text: 'half-typ' }, 'C-c');
    await term.waitFor('cancelled the task');
    const [taskId] = await taskIds(stack);
    expect((await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('cancelled');
    expect(await term.screen()).not.toContain('half-typ');
  });

  it('/pending resumes a task another client left waiting for its sudo password', async () => {
    const stack = await startCliStack(commandScript('sudo echo duck-pending-ok', { content: 'sudo said duck-pending-ok.' }), { path: `${fakeSudoDir(PASSWORD)}:${process.env.PATH}` });
    // Another client: starts the task, allows it once, and goes away at the password request.
    const stream = async (path: string, body: unknown) => {
      const response = await fetch(`${stack.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return response.text();
    };
    const first = await stream('/v1/chat/stream', { message: 'run echo as root', workspace: stack.workspace });
    const { task_id: taskId, approval_id: approvalId } = JSON.parse(/event: tool_approval_requested\ndata: (.*)\n/.exec(first)![1]!) as Record<string, string>;
    await stack.api('POST', `/v1/approvals/${approvalId}/allow_once`);
    expect(await stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })).toContain('event: tool_password_requested');

    const term = await stack.chat();
    await term.waitFor('1 task waits for you');
    await term.typeLine('/pending');
    await term.waitFor(/^sudo password: $/m);
    await term.sendKeys({ text: PASSWORD }, 'Enter');
    const screen = await term.waitFor('sudo said duck-pending-ok.');
    expect(screen).toMatch(/ {4}duck-pending-ok\n/);
    expect(screen).not.toContain(PASSWORD);
    expect((await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('completed');
  });

  it('Ctrl-C stops an answer mid-stream by asking the server to cancel the task; Ctrl-C again at the prompt leaves', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    afterThisTest(() => release());
    // The first paragraph is the first piece: a terminal shows the answer block by block.
    const stack = await startCliStack(commandScript(null, { content: 'Once upon a time.\n\nA duck swam all the way to the sea.', hold, pieceSize: 'Once upon a time.\n\n'.length }));
    const term = await stack.chat();
    await term.waitFor(/^› $/m);

    await term.typeLine('tell me a story');
    // The fake model sends its first piece, then holds the stream open.
    await term.waitFor('Once upon a time');
    await term.sendKeys('C-c');
    await term.waitFor(/^stopped$/m);

    const thinker = stack.model.requests.findIndex((r) => r.model === 'thinker');
    expect(await stack.model.requestClosed(thinker)).toBe('aborted');
    const [taskId] = await taskIds(stack);
    await vi.waitFor(async () => expect((await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('cancelled'), { timeout: 10_000 });
    // Hanging up stops nothing any more: the stop was asked for, by this terminal, and the log says so.
    const events = await stack.api<{ event_type: string; payload: { via?: string } }[]>('GET', `/v1/tasks/${taskId}/events`);
    expect(events.filter((e) => e.event_type === 'cancel_requested').map((e) => e.payload.via)).toEqual(['terminal']);
    await term.waitFor(/\(Ctrl-C again to quit\)\n\n› $/m);

    await term.sendKeys('C-c');
    expect(await term.waitForExit()).toBe(0);
    expect(await term.screen()).not.toContain('swam all the way');
  });
});
