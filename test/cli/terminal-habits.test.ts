/**
 * What a terminal user expects of any command-line tool (issue 16): `--help` on every command,
 * piped standard input as context, and a conversation id shown so that it can be resumed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../support/cli-process.js';
import { commandScript, startCliStack, TOKEN, type CliStack, thinkerSaw } from './cli-stack.js';

beforeAll(assertBuilt);

const conversationIdIn = (stderr: string) => /^conversation (conv_\w+) · ducklm chat --resume \1$/m.exec(stderr)?.[1];

describe('--help', () => {
  // No server, no token, no model: help needs none of them.
  const env = { HOME: '/nonexistent', DUCK_API_TOKEN: TOKEN, DUCK_URL: 'http://127.0.0.1:9' };

  it.each([
    ['serve', /^Usage:\n {2}ducklm serve \[--host HOST\]/],
    ['chat', /^Usage:\n {2}ducklm chat .*--resume \[ID\]/],
    ['ask', /^Usage:\n {2}ducklm ask "question"/],
    ['audit', /^Usage:\n {2}ducklm audit \[--limit N\]/],
    ['token', /^Usage:\n {2}ducklm token\n/],
    ['memory', /^Usage:\n {2}ducklm memory list/],
    ['models', /^Usage: ducklm models \[list\]/],
  ])('`ducklm %s --help` and `-h` print its usage on stdout and exit 0', async (command, usage) => {
    for (const flag of ['--help', '-h']) {
      const r = await runCli([command, flag], env);
      expect(r, `${command} ${flag}`).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(usage);
    }
  });

  it('helps whatever else is on the line, but not when --help is the value of an option', async () => {
    expect(await runCli(['memory', 'add', '--frobnicate', '--help'], env)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage:\n {2}ducklm memory/) });
    expect(await runCli(['audit', '--limit', '3', '-h'], env)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage:\n {2}ducklm audit/) });
    // Here `--help` is the limit asked for, and a bad one.
    expect(await runCli(['audit', '--limit', '--help'], env)).toMatchObject({ code: 1, stdout: '' });
  });
});

describe('ducklm ask and standard input', () => {
  it('attaches piped standard input to the question as untrusted text, shown as a fenced block, and shows the conversation id on stderr only', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'Add a greeting.' }));
    // A diff holding a fence of its own must not close the block early.
    const diff = 'diff --git a/x.md b/x.md\n+```\n+hello\n+```\n';
    const r = await runCli(['ask', 'write a commit message', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace, input: diff });
    expect(r).toMatchObject({ code: 0, stdout: 'Add a greeting.\n' });
    // The model gets it in an envelope that says it is data passed along, not the person's words.
    expect(thinkerSaw(stack)).toContain('write a commit message\n\nThe user attached standard input for the message above.');
    expect(thinkerSaw(stack)).toContain('<untrusted_attachment>\ndiff --git a/x.md b/x.md\n+```\n+hello\n+```\n</untrusted_attachment>');

    const id = conversationIdIn(r.stderr);
    // An asked question stays out of the default list, but is there for the asking.
    expect((await stack.api('GET', '/v1/conversations')).conversations).toEqual([]);
    const { conversations } = await stack.api('GET', '/v1/conversations?kind=one_off');
    expect(id).toBe(conversations[0].id);
    // The conversation shows it apart from the question, in a fence nothing in it can close.
    const shown = await stack.api('GET', `/v1/conversations/${id}`);
    expect(shown.messages[0].content).toBe('write a commit message\n\nAttached standard input:\n````\ndiff --git a/x.md b/x.md\n+```\n+hello\n+```\n````');
    expect(r.stdout).not.toContain('conv_');
  });

  it('cuts piped input at 100 000 characters, and says so on stderr and to the model', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'A long log.' }));
    const input = `${'a'.repeat(100_000)}TAIL-NOT-SENT\n`;
    const r = await runCli(['ask', 'summarise this log', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace, input });
    expect(r).toMatchObject({ code: 0, stdout: 'A long log.\n' });
    expect(r.stderr).toContain('Standard input is longer than 100000 characters: only its first 100000 are sent.');
    const saw = thinkerSaw(stack);
    expect(saw).toContain('The user attached standard input (cut: only its first 100000 characters)');
    expect(saw).not.toContain('TAIL-NOT-SENT');
  });

  it('piped input with no question on the line is still the question', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'Quack.' }));
    const r = await runCli(['ask', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace, input: 'what do ducks say?\n' });
    expect(r).toMatchObject({ code: 0, stdout: 'Quack.\n' });
    expect(thinkerSaw(stack)).toContain('what do ducks say?');
    expect(thinkerSaw(stack)).not.toContain('attached');
  });
});

describe('resuming a conversation by its id', () => {
  it('`ducklm chat` shows the id after the first answer, and `--resume` offers the recent conversations on a terminal', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'Noted.' }));
    // A title is the person's text, or a file's piped in: shown inert, its escape sequence as text.
    const asked = await runCli(['ask', 'the older question \x1b[2J', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace });
    const older = conversationIdIn(asked.stderr)!;

    const term = await stack.chat();
    await term.waitFor(/^› $/m);
    await term.typeLine('the newer question');
    const screen = await term.waitFor(/^conversation (conv_\w+) · ducklm chat --resume \1\n\n› $/m);
    const newer = conversationIdIn(screen)!;
    expect(newer).not.toBe(older);
    // Once: the next answer goes on in the same conversation.
    await term.typeLine('and again');
    await term.waitFor(/^› and again\n[\s\S]*tok\/s.*\n\n› $/m);
    expect(conversationIdIn((await term.screen()).split('› and again')[1]!)).toBeUndefined();
    await term.sendKeys('C-d');
    expect(await term.waitForExit()).toBe(0);

    const picker = await stack.chat(['--resume']);
    const list = await picker.waitFor('Which one? [1-2, Enter: 1] › ');
    expect(list).toMatch(/^ {2}1 {2}the newer question {2}4 messages · /m);
    expect(list).toMatch(/^ {2}2 {2}the older question \\x1b\[2J {2}2 messages · asked once · /m);
    await picker.typeLine('7');
    await picker.waitFor('A number from 1 to 2, please.');
    await picker.typeLine('2');
    const resumed = await picker.waitFor(/^› $/m);
    expect(resumed).toContain(`Continuing a conversation of 2 messages. Its id: ${older}`);
    expect(resumed).toMatch(/^› the older question \\x1b\[2J\nNoted\.$/m);
  });

  it('without a terminal, `--resume` takes the newest conversation, as before', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'Noted.' }));
    await runCli(['ask', 'first', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace });
    const newest = conversationIdIn((await runCli(['ask', 'second', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace })).stderr);
    const r = await runCli(['chat', '--resume', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace, input: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Continuing a conversation of 2 messages. Its id: ${newest}`);
    expect(r.stdout).not.toContain('Which one?');
  });
});
