/** Lower-cased words of a text, letters and digits in any script. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Crude word-form folding: compares the first five letters, so "analyze"/"analyzing" and
 * "проект"/"проекта" meet. (A real stemmer belongs to the memory issue.)
 */
const stem = (word: string): string => word.slice(0, 5);

/** How many of the triggers appear in the message, every word of a trigger counting. */
export function matchScore(message: string, triggers: string[]): number {
  const stems = new Set(words(message).map(stem));
  return triggers.filter((trigger) => {
    const triggerWords = words(trigger);
    return triggerWords.length > 0 && triggerWords.every((w) => stems.has(stem(w)));
  }).length;
}
