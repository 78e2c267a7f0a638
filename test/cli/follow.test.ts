/**
 * `ducklm chat` follows a task's log instead of owning a connection to it: it resumes a task
 * another client started, survives a dropped connection without showing anything twice or losing
 * a piece, and stops a task only by asking the server to.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { openStream } from '../support/sse-client.js';
import { startNetworkProxy } from '../support/network-proxy.js';
import { afterThisTest } from '../support/temp-dir.js';
import { commandScript, startCliStack, TOKEN, type CliStack } from './cli-stack.js';

beforeAll(assertBuilt);

// Two paragraphs: a terminal shows an answer block by block, and the first is all the model sends before the test lets it go on.
const STORY = 'Once upon a time.\n\nA duck swam all the way down the river to the sea, and back.';
const AUTH = { authorization: `Bearer ${TOKEN}` };

/** A model reply that sends its first piece (the first paragraph of STORY) and then waits for the test. */
function heldReply(content: string) {
  let release!: () => void;
  const hold = new Promise<void>((resolve) => (release = resolve));
  // A test that fails early must not leave the fake model's response open.
  afterThisTest(() => release());
  return { reply: { content, hold, pieceSize: 'Once upon a time.\n\n'.length }, release };
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

async function onlyTaskId(stack: CliStack): Promise<string> {
  const { conversations } = await stack.api<{ conversations: { id: string }[] }>('GET', '/v1/conversations');
  const { messages } = await stack.api<{ messages: { role: string; task_id: string }[] }>('GET', `/v1/conversations/${conversations[0]!.id}`);
  return messages.find((m) => m.role === 'user')!.task_id;
}

const statusOf = async (stack: CliStack, taskId: string) => (await stack.api<{ status: string }>('GET', `/v1/tasks/${taskId}`)).status;

describe('ducklm chat follows tasks', () => {
  it('--resume follows, live, the answer of a task another client started and hung up on', async () => {
    const { reply, release } = heldReply(STORY);
    const stack = await startCliStack(commandScript(null, reply));
    // Another client (a browser tab) starts the task, sees the first words, and goes away.
    const other = await openStream(stack.url, '/v1/chat/stream', { message: 'tell me a story', workspace: stack.workspace }, AUTH);
    await other.waitFor('content_delta');
    other.hangUp();

    const term = await stack.chat(['--resume']);
    // The conversation's last message, then its task's log: the part already written, replayed.
    await term.waitFor(/^› tell me a story\nOnce upon/m);
    release();
    const screen = await term.waitFor(/tok\/s.*\n\n› $/m);
    expect(screen).toContain(`\n${STORY}\n`);
    expect(occurrences(screen, 'Once upon')).toBe(1);
    expect(await statusOf(stack, await onlyTaskId(stack))).toBe('completed');
    // The conversation goes on from there.
    expect(screen).toContain('Continuing a conversation of 1 message.');
  });

  it('--resume of a task paused for an approval asks for it, as /pending does, and goes on', async () => {
    const stack = await startCliStack(commandScript('echo duck-resumed', { content: 'The command said duck-resumed.' }));
    const other = await openStream(stack.url, '/v1/chat/stream', { message: 'what does echo say?', workspace: stack.workspace }, AUTH);
    await other.waitFor('tool_approval_requested');
    other.hangUp();

    const term = await stack.chat(['--resume']);
    const asked = await term.waitFor('Allow? [o]nce / [a]lways / [d]eny ›');
    expect(asked).toContain('shell_exec_safe wants to run: echo duck-resumed');
    // Not pointed at as waiting elsewhere: it is the one being asked about.
    expect(asked).not.toContain('waits for you');
    await term.typeLine('o');
    const screen = await term.waitFor('The command said duck-resumed.');
    expect(screen).toMatch(/▸ shell_exec_safe: echo duck-resumed\n {2}✓ done\n {4}duck-resumed\n/);
    expect(await statusOf(stack, await onlyTaskId(stack))).toBe('completed');
  });

  it('a connection dropped mid-answer is picked up where it broke: the whole answer, once', async () => {
    const { reply, release } = heldReply(STORY);
    const stack = await startCliStack(commandScript(null, reply));
    const proxy = await startNetworkProxy(stack.url);
    const term = await stack.chat([], { url: proxy.url });
    await term.waitFor(/^› $/m);

    await term.typeLine('tell me a story');
    await term.waitFor('Once upon');
    // The network goes away; the rest of the answer is written while the client cannot see it.
    await proxy.cut();
    await term.waitFor('reconnecting…');
    release();
    const taskId = await onlyTaskId(stack);
    await vi.waitFor(async () => expect(await statusOf(stack, taskId)).toBe('completed'), { timeout: 10_000 });
    await proxy.restore();

    // A new conversation: its id follows the figures.
    const screen = await term.waitFor(/tok\/s.*\nconversation conv_\w+ .*\n\n› $/m, { timeout: 15_000 });
    // As if nothing had happened: no gap, no repeat, and the note about reconnecting is gone. (Where the
    // note was erased, at the end of a line, tmux's capture keeps the blank cells: they are not text.)
    expect(screen.replace(/ +$/gm, '')).toMatch(new RegExp(`^› tell me a story\\n(?:.*\\n)*?${STORY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n\\d+ tokens`, 'm'));
    expect(occurrences(screen, 'Once upon')).toBe(1);
    expect(screen).not.toContain('reconnecting');
    // Followed, not re-run: the model answered once.
    expect(stack.model.requests.filter((r) => r.model === 'thinker')).toHaveLength(1);
  });

  it('the server crashes mid-answer and comes back: the chat reconnects and shows how the task ended, once', async () => {
    const { reply } = heldReply(STORY);
    const stack = await startCliStack(commandScript(null, reply));
    const term = await stack.chat();
    await term.waitFor(/^› $/m);

    await term.typeLine('tell me a story');
    await term.waitFor('Once upon');
    // kill -9: nothing ends the stream in order; the new server ends the orphaned task in its log.
    await stack.restartServer('SIGKILL');
    const screen = await term.waitFor(/^› $/m, { timeout: 15_000 });
    expect(screen).toMatch(/^✗ ducklm stopped while this task was running/m);
    expect(occurrences(screen, 'Once upon')).toBe(1);
    expect(screen).not.toContain('reconnecting');
    expect(await statusOf(stack, await onlyTaskId(stack))).toBe('failed');
  });
});
