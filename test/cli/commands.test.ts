/**
 * The one-shot commands as a script runs them: `ducklm ask`, `memory`, `audit`, with their output
 * streams and exit codes, against a real `ducklm serve` or a server they start themselves.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../support/cli-process.js';
import { commandScript, startCliStack, TOKEN } from './cli-stack.js';

beforeAll(assertBuilt);

/** A port that was free a moment ago and is closed now: connecting is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ducklm ask', () => {
  it('prints only the answer on stdout, the rest on stderr, and exits 0', async () => {
    const stack = await startCliStack(commandScript(null, { reasoning: 'Thinking about ducks.', content: 'Ducks say quack.' }));
    const r = await runCli(['ask', 'what do ducks say?', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace });
    expect(r).toMatchObject({ code: 0, stdout: 'Ducks say quack.\n' });
    expect(r.stderr).toContain('… planning');
    // Not a terminal: no reasoning, no colour codes.
    expect(r.stderr).not.toContain('Thinking about ducks');
    expect(r.stderr).not.toContain('\x1b[');
    // The workspace is the current folder, resolved on this side.
    const { conversations } = await stack.api('GET', '/v1/conversations?kind=one_off');
    expect(conversations[0].workspace).toBe(stack.workspace);
  });

  it('reads the question from standard input, and runs a read-only command without asking', async () => {
    const stack = await startCliStack(commandScript('ls', { content: 'There is nothing here.' }, 'none'));
    const r = await runCli(['ask', '--url', stack.url, '--workspace', stack.workspace], stack.clientEnv, { input: 'what is in this folder?\n' });
    expect(r).toMatchObject({ code: 0, stdout: 'There is nothing here.\n' });
    expect(r.stderr).toMatch(/▸ shell_exec_safe: ls\n {2}✓ done\n/);
    expect(stack.model.requests.find((q) => q.model === 'planner')!.messages.at(-1)!.content).toContain('what is in this folder?');
  });

  it('exits 1 with one clear line when the model server is down', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'unused' }));
    await stack.model.close();
    const r = await runCli(['ask', 'hello', '--url', stack.url, '--workspace', stack.workspace], stack.clientEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^✗ Cannot reach the model server at http:\/\/127\.0\.0\.1:\d+\/v1.*DUCK_MODEL_BASE_URL/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('without a terminal, an approval ends the command with exit 3 and says how to approve; the task stays paused', async () => {
    const stack = await startCliStack(commandScript('touch approved.txt', { content: 'Created it.' }));
    const r = await runCli(['ask', 'create approved.txt', '--url', stack.url, '--workspace', stack.workspace], stack.clientEnv);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const approvalId = /approval (appr_\w+)/.exec(r.stderr)?.[1];
    const taskId = /task (task_\w+)/.exec(r.stderr)?.[1];
    expect(r.stderr).toContain('the task waits for your approval to run: touch approved.txt');
    expect(r.stderr).toContain('ducklm chat');
    expect(r.stderr).toContain(`${stack.url}/v1/approvals/${approvalId}/allow_once`);
    expect((await stack.api('GET', `/v1/tasks/${taskId}`)).status).toBe('waiting_for_approval');
    expect((await stack.api('GET', '/v1/approvals/pending')).map((a: { approval_id: string }) => a.approval_id)).toEqual([approvalId]);
  });

  it('starts a server in its own process when none runs, and says so', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'Answered in-process.' }));
    const port = await closedPort();
    const r = await runCli(['ask', 'hello'], { ...stack.serverEnv, DUCK_PORT: String(port) }, { cwd: stack.workspace });
    expect(r).toMatchObject({ code: 0, stdout: 'Answered in-process.\n' });
    expect(r.stderr).toContain(`No ducklm server at http://127.0.0.1:${port}; started one in this process`);
    expect(r.stderr.split('\n').filter((line) => line.includes('started one'))).toHaveLength(1);
  });

  it('an explicit --url that does not answer is an error, not a new server', async () => {
    const port = await closedPort();
    const stack = await startCliStack(commandScript(null, { content: 'unused' }));
    const r = await runCli(['ask', 'hello', '--url', `http://127.0.0.1:${port}`], stack.serverEnv, { cwd: stack.workspace });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(`Cannot reach ducklm at http://127.0.0.1:${port} (connection refused). Check --url (or DUCK_URL), or start the server with \`ducklm serve\`.\n`);
    expect(stack.model.requests).toHaveLength(0);
  });

  it('finds the token in the token file, as `ducklm serve` made it', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'Signed in by file.' }), { tokenFile: true });
    expect(stack.clientEnv.DUCK_API_TOKEN).toBeUndefined();
    const r = await runCli(['ask', 'hello', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace });
    expect(r).toMatchObject({ code: 0, stdout: 'Signed in by file.\n' });
  });

  it('a wrong token says to check it with `ducklm token`', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'unused' }));
    const r = await runCli(['ask', 'hello', '--url', stack.url, '--token', 'not-the-token-0123456789'], stack.clientEnv, { cwd: stack.workspace });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toContain('`ducklm token`');
  });
});

describe('ducklm memory and audit', () => {
  it('adds, lists, searches and forgets memories', async () => {
    const stack = await startCliStack(commandScript(null, { content: 'unused' }));
    const cli = (...args: string[]) => runCli(['memory', ...args, '--url', stack.url], stack.clientEnv, { cwd: stack.workspace });

    const added = await cli('add', 'The user is called Ann', '--type', 'fact');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const id = /Remembered (mem_\w+) \(fact, global\)/.exec(added.stdout)?.[1];
    expect(id).toBeDefined();
    const local = await cli('add', 'This project uses tabs', '--type', 'preference', '--scope', 'workspace');
    expect(local.stdout).toContain(`(preference, workspace ${stack.workspace})`);
    expect((await cli('add', 'The user is called Ann', '--type', 'fact')).stdout).toContain(`Already known as ${id}`);

    const list = await cli('list');
    expect(list.code).toBe(0);
    const [header, ...rows] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+TYPE\s+SCOPE\s+ABOUT\s+TEXT$/);
    expect(rows).toHaveLength(2);
    expect(rows.some((row) => row.startsWith(id!) && row.endsWith('The user is called Ann'))).toBe(true);

    const found = await cli('search', 'called', '--json');
    expect(JSON.parse(found.stdout).map((m: { id: string }) => m.id)).toEqual([id]);

    expect(await cli('rm', id!)).toMatchObject({ code: 0, stdout: `Forgot ${id}.\n` });
    expect((await stack.api('GET', '/v1/memory')).results.map((m: { text: string }) => m.text)).toEqual(['This project uses tabs']);
    const again = await cli('rm', id!);
    expect(again).toMatchObject({ code: 1, stderr: `Unknown memory: ${id}\n` });
  });

  it('audit shows the commands as a table, newest first, or as JSON', async () => {
    const stack = await startCliStack(commandScript('ls', { content: 'Listed.' }, 'none'));
    expect((await runCli(['ask', 'list the folder', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace })).code).toBe(0);
    const second = await runCli(['ask', 'list it again', '--url', stack.url], stack.clientEnv, { cwd: stack.workspace });
    expect(second.code).toBe(0);

    const table = await runCli(['audit', '--url', stack.url, '--limit', '5'], stack.clientEnv);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^WHEN\s+OUTCOME\s+APPROVED BY\s+RISK\s+ACTION\s+COMMAND$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+ran\s+automatic\s+\w+\s+[\w ]+\s+ls$/);

    const json = JSON.parse((await runCli(['audit', '--json', '--limit', '1', '--url', stack.url], stack.clientEnv)).stdout);
    expect(json).toHaveLength(1);
    expect(json[0].payload).toMatchObject({ command: 'ls', approved_by: 'automatic' });
  });

  it('says what is wrong with bad arguments', async () => {
    const env = { HOME: '/nonexistent', DUCK_API_TOKEN: TOKEN };
    expect(await runCli(['memory', 'list', '--type', 'secret'], env)).toMatchObject({ code: 1, stderr: '--type takes one of fact, preference, note, not "secret".\n' });
    expect((await runCli(['memory', 'frobnicate'], env)).stderr).toMatch(/^Unknown memory command "frobnicate"\. Usage:/);
    expect((await runCli(['audit', '--limit', 'lots'], env)).stderr).toBe('--limit takes a whole number of at least 1, not "lots".\n');
    expect((await runCli(['ask'], env)).stderr).toMatch(/^What should ducklm answer\?/);
    // Only --resume takes a conversation id without its option name.
    expect((await runCli(['chat', 'hello'], env)).stderr).toMatch(/^Unexpected "hello"\. Usage: ducklm chat .*--resume \[ID\]/);
    expect((await runCli(['chat', '--resume', 'conv_a', 'conv_b'], env)).stderr).toMatch(/^Unexpected "conv_b"/);
  });
});
