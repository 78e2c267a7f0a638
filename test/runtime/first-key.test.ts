import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUTE_KEYS } from '../../src/model/role-replies.js';
import { decidedByFirstKey } from '../../src/runtime/first-key.js';

const prefixes = (text: string) => Array.from({ length: text.length + 1 }, (_, i) => text.slice(0, i));
const spaced = fc.constantFrom('', ' ', '\n  ');

/** Replies a grammar could write for the planner and the judge, with the route each means. */
const replies = fc.oneof(
  fc.tuple(spaced, spaced).map(([a, b]) => ({ text: `{${a}"answer_now"${b}:${a}true}`, route: 'answer' as const, keys: ROUTE_KEYS.action })),
  fc.tuple(spaced, fc.string()).map(([a, reason]) => ({
    text: `{${a}"actions":[${JSON.stringify({ tool: 'list_dir', args: { path: '.' }, reason })}],"risk_level":"low","final":true}`,
    route: 'tools' as const,
    keys: ROUTE_KEYS.action,
  })),
  fc.array(fc.nat(9).map(String)).map((ids) => ({ text: JSON.stringify({ answer_now: true, relevant_ids: ids }), route: 'answer' as const, keys: ROUTE_KEYS.recall })),
  fc.array(fc.nat(9).map(String)).map((ids) => ({ text: JSON.stringify({ use_tools: true, relevant_ids: ids }), route: 'tools' as const, keys: ROUTE_KEYS.recall })),
);

describe('reading the route from the first key', () => {
  it('never decides a route the whole reply does not mean, at any point of the stream', () => {
    fc.assert(
      fc.property(replies, fc.boolean(), ({ text, route, keys }, constrained) => {
        const decisions = prefixes(text).map((p) => decidedByFirstKey(p, keys, constrained));
        for (const d of decisions) expect(d === null || d === route).toBe(true);
        // Once decided, it stays decided, and it is decided by the end of the first key's value.
        const first = decisions.findIndex((d) => d !== null);
        if (first >= 0) expect(decisions.slice(first).every((d) => d === route)).toBe(true);
      }),
    );
  });

  it('under a grammar, the key is enough: "{\\"an" already means answer now', () => {
    expect(decidedByFirstKey('{"an', ROUTE_KEYS.action, true)).toBe('answer');
    expect(decidedByFirstKey('{"ac', ROUTE_KEYS.action, true)).toBe('tools');
    expect(decidedByFirstKey('{"a', ROUTE_KEYS.action, true)).toBeNull();
    expect(decidedByFirstKey('{"u', ROUTE_KEYS.recall, true)).toBe('tools');
  });

  it('without a grammar, only a complete key with a true value counts', () => {
    expect(decidedByFirstKey('{"answer_now', ROUTE_KEYS.action, false)).toBeNull();
    expect(decidedByFirstKey('{"answer_now": false, "actions": [', ROUTE_KEYS.action, false)).toBeNull();
    expect(decidedByFirstKey('{"answer_now": t', ROUTE_KEYS.action, false)).toBe('answer');
    expect(decidedByFirstKey('{"use_tools":true', ROUTE_KEYS.recall, false)).toBe('tools');
  });

  it('an older reply shape is left to the whole-reply parse', () => {
    for (const p of prefixes('{"kind":"action_directive","intent":"x","risk_level":"none","actions":[]}')) expect(decidedByFirstKey(p, ROUTE_KEYS.action, true)).toBeNull();
    for (const p of prefixes('{"relevant_ids":["0"],"sufficient_to_answer":true}')) expect(decidedByFirstKey(p, ROUTE_KEYS.recall, true)).toBeNull();
    expect(decidedByFirstKey('Sure! {"answer_now": true}', ROUTE_KEYS.action, true)).toBeNull();
  });
});
