/** The small parts of the MCP client: its config entries, result text, argument hints and rule patterns. */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/mcp/canonical-json.js';
import { parseMcpServers } from '../../src/mcp/mcp-config.js';
import { resultText } from '../../src/mcp/mcp-result.js';
import { argsHintFromSchema } from '../../src/mcp/schema-hint.js';
import { parseModelConfigFile } from '../../src/model/model-config-file.js';

describe('mcpServers entries', () => {
  it('reads the Claude Desktop / Cursor shapes with ducklm\'s extras, and reports a bad entry for that server only', () => {
    const { servers, problems } = parseMcpServers({
      files: { command: 'npx', args: ['-y', 'some-server'], env: { TOKEN: 't' } },
      remote: { type: 'http', url: 'https://example.com/mcp', headers: { authorization: 'Bearer x' }, timeoutMs: 5000 },
      off: { command: 'x', disabled: true },
      broken: { url: 'ftp://nowhere' },
    });
    expect(servers).toEqual([
      { name: 'files', transport: 'stdio', command: 'npx', args: ['-y', 'some-server'], env: { TOKEN: 't' }, timeoutMs: 60_000, startupTimeoutMs: 20_000, disabled: false },
      { name: 'remote', transport: 'http', url: 'https://example.com/mcp', headers: { authorization: 'Bearer x' }, timeoutMs: 5000, startupTimeoutMs: 20_000, disabled: false },
      { name: 'off', transport: 'stdio', command: 'x', args: [], env: {}, timeoutMs: 60_000, startupTimeoutMs: 20_000, disabled: true },
    ]);
    expect(problems).toEqual([{ name: 'broken', transport: 'http', message: 'mcpServers.broken.url: must be an http:// or https:// URL' }]);
    expect(parseMcpServers(['x']).problems[0]!.message).toContain('mcpServers must be an object');
  });

  it('a config file with a broken mcpServers entry still loads (the entry is reported, ducklm starts)', () => {
    const file = parseModelConfigFile(JSON.stringify({ model: 'm', mcpServers: { bad: { command: 3 } } }), 'ducklm.config.json');
    expect(parseMcpServers(file.mcpServers).problems).toHaveLength(1);
  });
});

describe('an MCP result as text', () => {
  it('joins text, names images, audio and resources with their size, and fails on isError', () => {
    const png = Buffer.alloc(1234).toString('base64');
    const result = resultText(
      {
        content: [
          { type: 'text', text: 'first' },
          { type: 'image', data: png, mimeType: 'image/png' },
          { type: 'audio', data: Buffer.alloc(10).toString('base64'), mimeType: 'audio/wav' },
          { type: 'resource', resource: { uri: 'file:///a.txt', mimeType: 'text/plain', text: 'héllo' } },
          { type: 'resource_link', uri: 'file:///b', name: 'b' },
        ],
        isError: true,
      },
      10_000,
    );
    expect(result).toEqual({ ok: false, truncated: false, output: 'first\n[image image/png, 1234 bytes]\n[audio audio/wav, 10 bytes]\n[resource file:///a.txt text/plain, 6 bytes]\n[resource link file:///b (b)]' });
  });

  it('gives structured content as JSON when there is no text, and keeps to the byte limit without splitting a character', () => {
    expect(resultText({ content: [], structuredContent: { sum: 3 } }, 100)).toEqual({ ok: true, output: '{"sum":3}', truncated: false });
    expect(resultText({ content: [{ type: 'text', text: 'ééé' }] }, 5)).toEqual({ ok: true, output: 'éé', truncated: true });
  });
});

describe('hints and patterns', () => {
  it('describes arguments from the JSON Schema, compactly', () => {
    const hint = argsHintFromSchema({
      type: 'object',
      properties: { a: { type: 'number', description: 'First' }, mode: { enum: ['x', 'y'] }, tags: { type: 'array', items: { type: 'string' }, default: [] } },
      required: ['a'],
    });
    expect(hint).toBe('{"a": "number: First", "mode": "one of \\"x\\"|\\"y\\", optional", "tags": "array of string, optional, default []"}');
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
});
