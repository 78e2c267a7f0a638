/**
 * The chat-completions request body for one server dialect, and the fields a server may refuse.
 * A refused field is dropped for the rest of the client's life: asking again would only fail again.
 */
import { APIError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ChatMessage, ChatOptions, ResponseFormat } from './model-client.js';
import { reasoningOffFields, type ServerDialect } from './server-dialect.js';

/** Request fields that are ours to leave out when a server refuses them. */
export type OptionalField = 'response_format' | 'chat_template_kwargs' | 'reasoning_effort';

/** A role's sampling defaults from the config file, used when a call passes none. */
export interface RoleDefaults {
  temperature?: number;
  maxTokens?: number;
}

/**
 * llama.cpp's own schema form, documented and enforced by old and new llama-server builds alike;
 * older builds accept the OpenAI nested `{"type": "json_schema", "json_schema": …}` and ignore it.
 */
export interface LlamaJsonObjectFormat {
  type: 'json_object';
  schema: Record<string, unknown>;
}

/** Fields local servers understand that the OpenAI types do not declare. */
export type ChatBody = Omit<ChatCompletionCreateParamsNonStreaming, 'stream' | 'response_format'> & {
  response_format?: ChatCompletionCreateParamsNonStreaming['response_format'] | LlamaJsonObjectFormat;
  chat_template_kwargs?: { enable_thinking: boolean };
};

export interface ChatRequestInput {
  model: string;
  messages: ChatMessage[];
  options: ChatOptions;
  defaults: RoleDefaults | undefined;
  dialect: ServerDialect;
  dropped: ReadonlySet<OptionalField>;
}

export function buildChatBody(input: ChatRequestInput): { body: ChatBody; sent: OptionalField[] } {
  const { options, defaults, dropped } = input;
  const temperature = options.temperature ?? defaults?.temperature;
  const maxTokens = options.maxOutputTokens ?? defaults?.maxTokens;
  const format = options.responseFormat;
  const promptForJson = format !== undefined && dropped.has('response_format');
  const messages = promptForJson ? withJsonInstruction(input.messages, format) : input.messages;
  const body: ChatBody = {
    model: input.model,
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
  };
  if (format && !promptForJson) body.response_format = schemaFormat(format, input.dialect);
  if (options.reasoning === 'off') {
    const off = reasoningOffFields(input.dialect);
    if (off.chat_template_kwargs && !dropped.has('chat_template_kwargs')) body.chat_template_kwargs = off.chat_template_kwargs;
    if (off.reasoning_effort && !dropped.has('reasoning_effort')) body.reasoning_effort = off.reasoning_effort;
  }
  const sent = (['response_format', 'chat_template_kwargs', 'reasoning_effort'] as const).filter((field) => body[field] !== undefined);
  return { body, sent };
}

/** The schema in the form this dialect's servers hold a reply to (see `LlamaJsonObjectFormat`). */
function schemaFormat(format: ResponseFormat, dialect: ServerDialect): NonNullable<ChatBody['response_format']> {
  if (dialect === 'llamacpp') return { type: 'json_object', schema: format.schema };
  return { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: true } };
}

/** What replaces `response_format` on a server without it; the runtime validates the reply with zod. */
export function jsonInstruction(format: ResponseFormat): string {
  return `Answer with only a JSON object that matches this JSON schema: ${JSON.stringify(format.schema)}`;
}

function withJsonInstruction(messages: ChatMessage[], format: ResponseFormat): ChatMessage[] {
  const last = messages.at(-1);
  if (!last) return [{ role: 'user', content: jsonInstruction(format) }];
  return [...messages.slice(0, -1), { ...last, content: `${last.content}\n\n${jsonInstruction(format)}` }];
}

/**
 * Checked in this order: a message naming the template kwargs is about them, not about a schema.
 * - Ollama 0.11.5 to 0.12.3 took `reasoning_effort: "none"` as a think level only gpt-oss has:
 *   `think value "none" is not supported for this model`; later ones say `invalid reasoning value`
 *   for a level they do not know.
 * - llama-server with a template that opens `<think>` and `--reasoning-format none` (and, as
 *   reported, newer builds with a SentencePiece-vocabulary model) cannot set up a schema's
 *   grammar: HTTP 400 `Failed to initialize samplers: std::exception`, whatever the schema's form.
 */
const REJECTIONS: [OptionalField, RegExp][] = [
  ['chat_template_kwargs', /chat_template_kwargs|enable_thinking/i],
  ['reasoning_effort', /reasoning_effort|reasoning[ _]value|reasoning effort|think value/i],
  ['response_format', /response_format|json[ _-]?schema|grammar|structured output|guided|initialize samplers/i],
];

/**
 * The field a server refused, if the error says so. Only a 400/422 (or, for schemas, the 500 some
 * llama.cpp builds give when a schema will not convert to a grammar) counts: the server refused
 * before generating anything, so sending the request again without the field is safe.
 */
export function refusedField(error: unknown, sent: readonly OptionalField[]): OptionalField | null {
  if (!(error instanceof APIError) || typeof error.status !== 'number') return null;
  const status = error.status;
  if (status !== 400 && status !== 422 && status !== 500) return null;
  const message = errorText(error);
  for (const [field, pattern] of REJECTIONS) {
    if (!sent.includes(field) || (status === 500 && field !== 'response_format')) continue;
    if (pattern.test(message)) return field;
  }
  return null;
}

/** The server's own words: `error.message` from the body when there is one. */
export function errorText(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : error.message;
}
