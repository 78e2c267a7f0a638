/**
 * node-llama-cpp turns a JSON schema into a llama.cpp grammar, but it reads its own subset of
 * JSON Schema and treats what it does not know in surprising ways: an empty schema `{}` (zod's
 * `z.unknown()`) becomes "only null", `anyOf` and `definitions` are not read, and an object
 * without `additionalProperties` allows no extra keys. This translates the schemas our roles send
 * (zod's `toJSONSchema`, draft 2020-12) into that subset, so a reply is valid JSON by construction
 * and fits the schema's shape.
 *
 * What a grammar cannot express is dropped, and the role's zod parse still checks it afterwards:
 * `minimum`/`maximum`, `pattern`, string formats other than date/time, and `required` (the grammar
 * always writes every listed property, which any schema accepts).
 */
export type GrammarSchema = Record<string, unknown>;

type JsonSchema = Record<string, unknown>;

const SCALARS = ['string', 'number', 'integer', 'boolean', 'null'] as const;
const GRAMMAR_FORMATS = new Set(['date-time', 'time', 'date']);

/** Any JSON value; node-llama-cpp has no schema for it, so it is spelled out. */
const ANY: GrammarSchema = {
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }],
};

export function toGrammarSchema(schema: unknown): GrammarSchema {
  const result = convert(schema);
  const defs = isObject(schema) ? (schema.$defs ?? schema.definitions) : undefined;
  if (isObject(defs)) result.$defs = mapValues(defs, convert);
  return result;
}

function convert(schema: unknown): GrammarSchema {
  if (schema === true || schema === undefined) return ANY;
  if (schema === false || !isObject(schema)) return { type: 'null' };

  if (typeof schema.$ref === 'string') return { $ref: schema.$ref.replace(/^#\/definitions\//, '#/$defs/') };
  if (schema.const !== undefined) return { const: schema.const };
  if (Array.isArray(schema.enum)) return { enum: schema.enum };
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) return { oneOf: alternatives.map(convert) };
  if (Array.isArray(schema.allOf)) return convert(mergeAll(schema.allOf));

  const type = schema.type ?? inferType(schema);
  if (type === undefined) return ANY;
  if (Array.isArray(type)) {
    // A type list works only for scalars; objects and arrays each need their own branch.
    const types = type.filter((t): t is string => typeof t === 'string');
    if (types.every((t) => (SCALARS as readonly string[]).includes(t))) return { type: types };
    return { oneOf: types.map((t) => convert({ ...schema, type: t })) };
  }
  switch (type) {
    case 'object':
      return objectSchema(schema);
    case 'array':
      return arraySchema(schema);
    case 'string':
      return stringSchema(schema);
    default:
      return (SCALARS as readonly unknown[]).includes(type) ? { type } : ANY;
  }
}

function objectSchema(schema: JsonSchema): GrammarSchema {
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  const extra = schema.additionalProperties;
  const out: GrammarSchema = { type: 'object' };
  if (properties) out.properties = mapValues(properties, convert);
  // JSON Schema allows extra keys unless told otherwise. With listed properties we keep to them
  // (what OpenAI's strict mode does); a bare object is a free-form map, as `z.record` means it.
  if (extra === undefined) out.additionalProperties = !properties;
  else if (extra === true || extra === false) out.additionalProperties = extra;
  else out.additionalProperties = isEmptySchema(extra) ? true : convert(extra);
  copyNumber(schema, out, 'minProperties');
  copyNumber(schema, out, 'maxProperties');
  return out;
}

function arraySchema(schema: JsonSchema): GrammarSchema {
  const out: GrammarSchema = { type: 'array' };
  if (schema.items !== undefined && schema.items !== true && !isEmptySchema(schema.items)) out.items = convert(schema.items);
  if (Array.isArray(schema.prefixItems)) out.prefixItems = schema.prefixItems.map(convert);
  copyNumber(schema, out, 'minItems');
  copyNumber(schema, out, 'maxItems');
  return out;
}

function stringSchema(schema: JsonSchema): GrammarSchema {
  if (typeof schema.format === 'string' && GRAMMAR_FORMATS.has(schema.format)) return { type: 'string', format: schema.format };
  const out: GrammarSchema = { type: 'string' };
  copyNumber(schema, out, 'minLength');
  copyNumber(schema, out, 'maxLength');
  return out;
}

/** Schemas that omit `type` but say what they are by their keywords. */
function inferType(schema: JsonSchema): string | undefined {
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  return undefined;
}

/** `allOf` as one schema: the parts' keywords together, their properties merged. */
function mergeAll(parts: unknown[]): JsonSchema {
  const merged: JsonSchema = {};
  const properties: JsonSchema = {};
  for (const part of parts) {
    if (!isObject(part)) continue;
    Object.assign(merged, part);
    if (isObject(part.properties)) Object.assign(properties, part.properties);
  }
  if (Object.keys(properties).length) merged.properties = properties;
  delete merged.allOf;
  return merged;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', 'examples', 'propertyNames', '$comment', 'deprecated', 'readOnly', 'writeOnly']);

function isEmptySchema(value: unknown): boolean {
  return isObject(value) && Object.keys(value).every((key) => ANNOTATIONS.has(key));
}

function copyNumber(from: JsonSchema, to: GrammarSchema, key: string): void {
  const value = from[key];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) to[key] = value;
}

function mapValues(record: JsonSchema, fn: (value: unknown) => GrammarSchema): Record<string, GrammarSchema> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
