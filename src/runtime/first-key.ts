/**
 * Reads a structured reply's decision from its first key while it is still streaming. The roles
 * that decide a turn's route are asked for replies whose first key *is* the decision
 * (`{"answer_now": true}` or `{"actions": […]}`), and a local server's grammar writes keys in the
 * schema's order, so the route is known a token or two into the reply.
 */

/**
 * What the first key of `text` settles, given the keys that may start the reply and what each
 * means: the meaning shared by every key still consistent with what has arrived. Null while
 * undecided, and for a reply that starts with a key not listed (an older reply shape): the caller
 * then reads the whole reply.
 *
 * `constrained` says the server enforces the reply's schema with a grammar, where every key is a
 * constant whose presence is the decision, so a prefix of the key is enough. Without a grammar a
 * model may write anything after it (`{"answer_now": false, …}`), so the key must be complete and
 * its value must have begun with `true`.
 */
export function decidedByFirstKey<T>(text: string, keys: Readonly<Record<string, T>>, constrained: boolean): T | null {
  const opened = /^\s*\{\s*"/.exec(text);
  if (!opened) return null;
  const rest = text.slice(opened[0].length);
  const close = rest.indexOf('"');
  const typed = close < 0 ? rest : rest.slice(0, close);
  if (!constrained && (close < 0 || !/^"\s*:\s*t/.test(rest.slice(close)))) return null;
  const candidates = Object.keys(keys).filter((key) => (close < 0 ? key.startsWith(typed) : key === typed));
  if (candidates.length === 0) return null;
  const meanings = new Set(candidates.map((key) => keys[key]!));
  return meanings.size === 1 ? keys[candidates[0]!]! : null;
}
