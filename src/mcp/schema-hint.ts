/** JSON Schema, as far as a hint for the planner reads it. */
interface SchemaNode {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  default?: unknown;
}

const MAX_HINT_CHARS = 600;
const MAX_DESCRIPTION_CHARS = 120;

/**
 * A tool's arguments as the planner's tool list shows them, in the style of the built-in tools:
 * `{"message": "string: Message to echo", "count": "number, optional"}`.
 */
export function argsHintFromSchema(schema: unknown): string {
  const node = (schema ?? {}) as SchemaNode;
  const required = new Set(node.required ?? []);
  const entries = Object.entries(node.properties ?? {}).map(([key, property]) => {
    const optional = required.has(key) ? '' : ', optional';
    const fallback = property.default !== undefined ? `, default ${JSON.stringify(property.default)}` : '';
    const description = property.description ? `: ${oneLine(property.description).slice(0, MAX_DESCRIPTION_CHARS)}` : '';
    return `${JSON.stringify(key)}: ${JSON.stringify(`${typeText(property)}${optional}${fallback}${description}`)}`;
  });
  const hint = `{${entries.join(', ')}}`;
  return hint.length <= MAX_HINT_CHARS ? hint : `${hint.slice(0, MAX_HINT_CHARS - 2)}…}`;
}

function typeText(node: SchemaNode): string {
  if (node.enum) return `one of ${node.enum.map((v) => JSON.stringify(v)).join('|')}`;
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (!types.length) return 'any';
  return types.map((t) => (t === 'array' && node.items ? `array of ${typeText(node.items)}` : t)).join(' or ');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
