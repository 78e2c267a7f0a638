import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * Deeper than any body of ours needs. JSON.parse copes with 20,000 levels, but whatever walks the
 * value afterwards (validation, JSON.stringify into the database, the reply) recurses and dies
 * with a RangeError: a 500 for a client's mistake. So depth is checked on the text, without recursion.
 */
export const MAX_JSON_DEPTH = 64;

/** How deep `text` nests its arrays and objects; strings (and the brackets in them) are skipped. */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** A JSON body, or a 400 of ours: empty is fine (POST /allow_once sends none); broken or too deep is not. */
export function parseJsonBody(text: string): unknown {
  if (!text.trim()) return undefined;
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new HttpError(400, 'too_deep', `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'malformed_json', 'The request body is not valid JSON.');
  }
}

export function registerJsonBodyParser(server: FastifyInstance): void {
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(String(body)));
    } catch (error) {
      done(error as HttpError, undefined);
    }
  });
}
