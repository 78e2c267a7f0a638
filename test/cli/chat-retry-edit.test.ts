/**
 * `/retry` and `/edit` in `ducklm chat` (issue 16), and what the chat says around a command:
 * the always-rule that let it run, a mistyped sudo password, a conversation busy with a task that
 * waits. The built CLI in a real terminal (tmux), a real `ducklm serve`, a scripted fake model.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import type { FakeRequest, FakeScript } from '../support/fake-openai-server.js';
import { fakeSudoDir } from '../support/fake-sudo.js';
import { hasObservations, NOTHING_TO_STORE, startCliStack, TOKEN, type CliStack, thinkerSaw } from './cli-stack.js';

beforeAll(assertBuilt);

const WAIT = { timeout: 30_000 };

/**
 * The thinker answers "answer N" to its Nth request (counted per message only where no tool runs:
 * a turn with a tool may also ask it beside the route decision); the planner runs `command(message)` once, if it names one. */
function numberedScript(command: (message: string) => string | null = () => null): FakeScript {
  let answers = 0;
  return (request) => {
    if (request.model === 'planner') {
      const wanted = hasObservations(request) ? null : command(lastUserText(request));
      const actions = wanted ? [{ tool: 'shell_exec_safe', args: { command: wanted }, reason: 'the user asked for it' }] : [];
      return { content: JSON.stringify({ kind: 'action_directive', intent: 'help the user', risk_level: 'medium', actions }) };
    }
    if (request.model === 'thinker') return { content: `answer ${++answers}` };
    return NOTHING_TO_STORE;
  };
}

const lastUserText = (request: FakeRequest) => request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';

/** The (only) conversation as the server shows it now: `role: content` lines. */
async function shown(stack: CliStack): Promise<string[]> {
  const { conversations } = await stack.api<{ conversations: { id: string }[] }>('GET', '/v1/conversations');
  expect(conversations).toHaveLength(1);
  const { messages } = await stack.api<{ messages: { role: string; content: string }[] }>('GET', `/v1/conversations/${conversations[0]!.id}`);
  return messages.map((m) => `${m.role}: ${m.content}`);
}

/** Sends `text` and waits for the prompt to come back after it. */
async function say(term: Awaited<ReturnType<CliStack['chat']>>, text: string, until: string | RegExp) {
  await term.typeLine(text);
  await term.waitFor(until, WAIT);
  await term.waitFor(/^› $/m, WAIT);
}

describe('/retry', { timeout: 120_000 }, () => {
  it('says there is nothing to retry before a first message; after a failed answer it asks again and the new exchange takes the old one’s place', async () => {
    let down = true;
    const answering = numberedScript();
    const stack = await startCliStack((request) => (down ? { status: 500, body: { error: { message: 'model server is down' } } } : answering(request)));
    const term = await stack.chat();
    await term.waitFor(/^› $/m, WAIT);

    await term.typeLine('/retry');
    await term.waitFor('Nothing to retry yet: this conversation has no message.', WAIT);

    await say(term, 'tell me about herons', /✗ .*\n/);
    expect(await shown(stack)).toEqual(['user: tell me about herons']);

    down = false;
    await term.typeLine('/retry');
    await term.waitFor('retrying "tell me about herons" · in place of the try that got no answer', WAIT);
    await term.waitFor(/^answer 1$/m, WAIT);
    expect(await shown(stack)).toEqual(['user: tell me about herons', 'assistant: answer 1']);

    // Again, after a completed answer: that answer goes, and the model never sees it.
    await term.waitFor(/^› $/m, WAIT);
    await term.typeLine('/retry');
    await term.waitFor('retrying "tell me about herons" · replaces the last answer', WAIT);
    await term.waitFor(/^answer 2$/m, WAIT);
    expect(await shown(stack)).toEqual(['user: tell me about herons', 'assistant: answer 2']);
    expect(thinkerSaw(stack)).toContain('tell me about herons');
    expect(thinkerSaw(stack)).not.toContain('answer 1');
  });
});

describe('/edit', { timeout: 120_000 }, () => {
  it('puts the last message on the prompt line; edited and sent, it replaces that exchange, and the model sees only what came before', async () => {
    const stack = await startCliStack(numberedScript());
    const term = await stack.chat();
    await term.waitFor(/^› $/m, WAIT);
    await say(term, 'My cat is called Tom', /^answer 1$/m);
    await say(term, 'I like sailing on lakes', /^answer 2$/m);

    await term.typeLine('/edit');
    await term.waitFor('Enter replaces this message and its answer · an empty line or Ctrl-C keeps it', WAIT);
    await term.waitFor(/^edit › I like sailing on lakes$/m, WAIT);
    // Ctrl-W deletes the word before the cursor, twice: "on lakes" goes, and the rest is kept.
    await term.sendKeys('C-w', 'C-w', { text: 'in mountains' });
    await term.waitFor(/^edit › I like sailing in mountains$/m, WAIT);
    await term.sendKeys('Enter');
    await term.waitFor(/^answer 3$/m, WAIT);

    expect(await shown(stack)).toEqual(['user: My cat is called Tom', 'assistant: answer 1', 'user: I like sailing in mountains', 'assistant: answer 3']);
    const saw = thinkerSaw(stack);
    expect(saw).toContain('My cat is called Tom');
    expect(saw).toContain('I like sailing in mountains');
    expect(saw).not.toMatch(/on lakes|answer 2/);
  });

  it('/edit 2 says it replaces the later messages too; Ctrl-C or an empty line keeps everything', async () => {
    const stack = await startCliStack(numberedScript());
    const term = await stack.chat();
    await term.waitFor(/^› $/m, WAIT);
    await say(term, 'first question', /^answer 1$/m);
    await say(term, 'second question', /^answer 2$/m);
    const before = await shown(stack);

    await term.typeLine('/edit 2');
    await term.waitFor('Enter replaces this message and the 1 message after it, with their answers · an empty line or Ctrl-C keeps them', WAIT);
    await term.waitFor(/^edit › first question$/m, WAIT);
    await term.sendKeys('C-c');
    await term.waitFor(/^Kept as it was\.$/m, WAIT);

    await term.typeLine('/edit 3');
    await term.waitFor('This conversation has only 2 messages of yours.', WAIT);

    await term.typeLine('/edit');
    await term.waitFor(/^edit › second question$/m, WAIT);
    // Ctrl-U empties the line: an empty line sends nothing.
    await term.sendKeys('C-u', 'Enter');
    await term.waitFor(/Kept as it was\.\n› $/m, WAIT);
    expect(await shown(stack)).toEqual(before);
    expect(stack.model.requests.filter((r) => r.model === 'thinker')).toHaveLength(2);
  });

  it('a message with line breaks shows them as ↵ and sends them back as line breaks', async () => {
    const stack = await startCliStack(numberedScript());
    // Sent by another client (the web page takes Shift+Enter): the terminal joins the conversation.
    const response = await fetch(`${stack.url}/v1/chat/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'line one\nline two', workspace: stack.workspace }),
    });
    const conversationId = /"conversation_id":"(conv_\w+)"/.exec(await response.text())![1]!;
    const term = await stack.chat(['--conversation', conversationId]);
    await term.waitFor(/^› $/m, WAIT);

    await term.typeLine('/edit');
    await term.waitFor(/^edit › line one↵line two$/m, WAIT);
    await term.sendKeys({ text: '↵line three' }, 'Enter');
    await term.waitFor(/^answer 2$/m, WAIT);
    expect(await shown(stack)).toEqual(['user: line one\nline two\nline three', 'assistant: answer 2']);
  });
});

describe('around a command', { timeout: 120_000 }, () => {
  it('a command run under an always-rule says which rule let it run', async () => {
    const stack = await startCliStack(numberedScript((message) => (message.includes('greet') ? 'echo duck-rule-ok' : null)));
    const term = await stack.chat();
    await term.waitFor(/^› $/m, WAIT);
    await term.typeLine('greet me');
    await term.waitFor('Allow? [o]nce / [a]lways / [d]eny ›', WAIT);
    await term.typeLine('a');
    await term.waitFor(/tok\/s/, WAIT);
    await term.waitFor(/^› $/m, WAIT);

    await term.typeLine('greet me again');
    const screen = await term.waitFor(/› greet me again\n[\s\S]*tok\/s/, WAIT);
    const second = screen.split('› greet me again')[1]!;
    expect(second).toMatch(/▸ shell_exec_safe: echo duck-rule-ok\n {2}ran without asking, under your rule: always allow echo duck-rule-ok in this workspace\n {2}✓ done\n/);
    expect(second).not.toContain('Allow?');
    // Dim, as the other notes about how a call went.
    expect(await term.screen({ escapes: true })).toMatch(/\x1b\[2mran without asking, under your rule/);
  });

  it('a wrong sudo password is asked again with the attempt count, and the right one runs the command', async () => {
    const password = 'Right-Duck-Pass-2718';
    const stack = await startCliStack(numberedScript((message) => (message.includes('root') ? 'sudo echo duck-sudo-ok' : null)), { path: `${fakeSudoDir(password)}:${process.env.PATH}` });
    const term = await stack.chat();
    await term.waitFor(/^› $/m, WAIT);
    await term.typeLine('run echo as root');
    await term.waitFor('Allow? [o]nce / [d]eny ›', WAIT);
    await term.typeLine('o');
    await term.waitFor(/^sudo password: $/m, WAIT);

    await term.sendKeys({ text: 'wrong-Duck-Pass' }, 'Enter');
    await term.waitFor(/sudo did not accept the password\nWrong password, try again \(attempt 2 of 3\)\.\nsudo password: $/m, WAIT);
    await term.sendKeys({ text: password }, 'Enter');
    const screen = await term.waitFor(/tok\/s/, WAIT);
    expect(screen).toMatch(/▸ shell_exec_safe: sudo echo duck-sudo-ok\n {2}✓ done\n {4}duck-sudo-ok\n/);
    expect(screen).not.toContain(password);
    expect(screen).not.toContain('wrong-Duck-Pass');
  });

  it('a message sent while another client’s task in the conversation waits shows the server’s reason and offers /pending', async () => {
    const stack = await startCliStack(numberedScript((message) => (message.includes('clean') ? 'touch cleaned-by-duck' : null)));
    const term = await stack.chat();
    await term.waitFor(/^› $/m, WAIT);
    await say(term, 'hello', /^answer 1$/m);
    const [conversation] = (await stack.api<{ conversations: { id: string }[] }>('GET', '/v1/conversations')).conversations;

    // Another client asks for a command in the same conversation, and leaves it waiting for approval.
    const response = await fetch(`${stack.url}/v1/chat/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'clean the build', workspace: stack.workspace, conversation_id: conversation!.id }),
    });
    expect(await response.text()).toContain('event: tool_approval_requested');

    await term.typeLine('and now?');
    const screen = await term.waitFor(/\/pending to answer what it waits for, or \/new to start another conversation\.\n/, WAIT);
    expect(screen).toMatch(/✗ A task in this conversation waits for your decision \(task_\w+\); stop it or answer it first, then .*\n/);
    await term.waitFor(/^› $/m, WAIT);
    await term.typeLine('/retry');
    await term.waitFor(/retrying "clean the build"[^\n]*\n✗ A task in this conversation waits/, WAIT);

    await term.typeLine('/pending');
    await term.waitFor('Allow? [o]nce / [a]lways / [d]eny ›', WAIT);
    await term.typeLine('d');
    await term.waitFor('✗ denied: touch cleaned-by-duck', WAIT);
    await term.waitFor(/^› $/m, WAIT);
    // Once it is decided, the conversation takes messages again.
    await say(term, 'and now?', /› and now\?\n[^✗]*tok\/s/);
  });
});
