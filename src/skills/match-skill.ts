import { contentStems, stemWord, words } from '../memory/text.js';

export { words };

/**
 * A trigger's stems: the same Snowball stemming recall uses, so "analyze"/"analyzing" and
 * "структура"/"структуру" meet. Stop words are dropped unless the trigger is nothing else.
 */
export function triggerStems(trigger: string): string[] {
  const content = contentStems(trigger);
  return content.length ? content : words(trigger).map(stemWord);
}

/** How many of the triggers appear in the message, every word of a trigger counting. */
export function matchScore(message: string, triggers: string[]): number {
  const stems = new Set([...contentStems(message), ...words(message).map(stemWord)]);
  return triggers.filter((trigger) => {
    const needed = triggerStems(trigger);
    return needed.length > 0 && needed.every((s) => stems.has(s));
  }).length;
}
