import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolResult } from '../tools/tool.js';

type Part = CallToolResult['content'][number];

/**
 * An MCP tool's result as text for the planner: text parts joined; images, audio and resources
 * named with their size (the planner reads text only); structured content as JSON when there is
 * no text. At most `maxBytes` of it. `isError` is a failed call.
 */
export function resultText(result: CallToolResult, maxBytes: number): ToolResult {
  const parts = (result.content ?? []).map(partText);
  const hasText = (result.content ?? []).some((p) => p.type === 'text');
  if (!hasText && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  const { text, truncated } = capBytes(parts.join('\n'), maxBytes);
  return { ok: result.isError !== true, output: text, truncated };
}

function partText(part: Part): string {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'image':
    case 'audio':
      return `[${part.type} ${part.mimeType}, ${base64Bytes(part.data)} bytes]`;
    case 'resource': {
      const { resource } = part;
      const size = 'text' in resource ? Buffer.byteLength(resource.text) : base64Bytes(resource.blob);
      return `[resource ${resource.uri}${resource.mimeType ? ` ${resource.mimeType}` : ''}, ${size} bytes]`;
    }
    case 'resource_link':
      return `[resource link ${part.uri}${part.name ? ` (${part.name})` : ''}${part.mimeType ? ` ${part.mimeType}` : ''}]`;
    default:
      return `[${(part as { type: string }).type} content]`;
  }
}

function base64Bytes(data: string): number {
  return Buffer.from(data, 'base64').length;
}

/** The first `maxBytes` of UTF-8, never cutting a character in two. */
function capBytes(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  // Back up over continuation bytes (10xxxxxx) to a character's start.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
