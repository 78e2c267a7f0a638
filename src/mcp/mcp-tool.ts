import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType } from '@modelcontextprotocol/sdk/validation/types.js';
import { z } from 'zod';
import type { RiskLevel } from '../tools/risk.js';
import { defineTool, type AnyTool, type AuditSubject } from '../tools/tool.js';
import { canonicalJson } from './canonical-json.js';
import { McpCallError, type McpConnection, type McpToolInfo } from './mcp-connection.js';
import { resultText } from './mcp-result.js';
import { argsHintFromSchema } from './schema-hint.js';

type Args = Record<string, unknown>;

/** A server's description goes into every prompt: a long one is cut, to keep the tool list small. */
const MAX_DESCRIPTION_CHARS = 300;

/** One validator (ajv, through the SDK) for every MCP tool's arguments. */
const validator = new AjvJsonSchemaValidator();

/**
 * A tool of an MCP server as a ducklm tool, under the name the planner sees (`mcp__<server>__<tool>`).
 * Every call asks a person by default: ducklm cannot know what a server's tool does, whatever the
 * server says about it. "Always allow" covers this tool with exactly these arguments.
 */
export function mcpTool(connection: McpConnection, info: McpToolInfo, exposedName: string, log: (message: string) => void): AnyTool {
  const server = connection.name;
  const { readOnlyHint, destructiveHint } = info.annotations ?? {};
  const riskLevel: RiskLevel = destructiveHint === true && readOnlyHint !== true ? 'high' : 'medium';
  const said = readOnlyHint === true ? ' The server says it only reads.' : destructiveHint === true ? ' The server says it may delete or overwrite things.' : '';
  const audit = (input: Args): AuditSubject => ({ command: `${exposedName} ${canonicalJson(input)}`, riskLevel, actionType: 'unknown', sudo: false });
  return defineTool<Args>({
    name: exposedName,
    description: `${oneLine(info.description ?? info.title ?? info.name).slice(0, MAX_DESCRIPTION_CHARS)} (tool "${info.name}" of the MCP server "${server}")`,
    argsHint: argsHintFromSchema(info.inputSchema),
    inputSchema: argumentsSchema(info, server, log),
    async approval(input) {
      return {
        kind: 'ask',
        reason: `Calls ${info.name} on the MCP server "${server}" with ${shortJson(input)}: ducklm cannot check what it does.${said}`,
        riskLevel,
        actionType: 'unknown',
        needsPassword: false,
      };
    },
    async ruleTarget(input) {
      return { kind: 'call', pattern: canonicalJson(input) };
    },
    auditSubject: audit,
    async execute(input, ctx) {
      try {
        return resultText(await connection.call(info.name, input, ctx.signal), ctx.limits.maxOutputBytes);
      } catch (error) {
        // A server that would not start, died or hung is a failed call the planner reads, not a failed task.
        if (error instanceof McpCallError) return { ok: false, output: error.message, truncated: false };
        throw error;
      }
    },
  });
}

/** Arguments checked against the tool's JSON Schema before anything is sent to the server. */
function argumentsSchema(info: McpToolInfo, server: string, log: (message: string) => void): z.ZodType<Args> {
  let validate: ((input: unknown) => { valid: boolean; errorMessage?: string | undefined }) | null = null;
  try {
    validate = validator.getValidator(info.inputSchema as JsonSchemaType);
  } catch (error) {
    // A schema ajv cannot compile: the server still checks its arguments itself.
    log(`mcp ${server}: the argument schema of ${info.name} cannot be used (${error instanceof Error ? error.message : String(error)}); its arguments are not checked here`);
  }
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const result = validate?.(value);
    if (result && !result.valid) ctx.addIssue({ code: 'custom', message: result.errorMessage ?? 'does not match the tool\'s schema' });
  });
}

function shortJson(input: Args): string {
  const text = canonicalJson(input);
  return text.length <= 300 ? text : `${text.slice(0, 299)}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
