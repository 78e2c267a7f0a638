import { stemmer as englishStem } from '@orama/stemmers/english';
import { stemmer as russianStem } from '@orama/stemmers/russian';
import { STOP_WORDS, USER_WORDS } from './stop-words.js';

/**
 * Word forms for search in the languages our users write most: each word is stemmed with the
 * Snowball stemmer of its script (Cyrillic → Russian, Latin → English), so "зовут"/"зовут",
 * "проекта"/"проект", "names"/"name" meet. Other scripts and digits are kept as written.
 * FTS5 has no Russian stemmer, so the stemmed text is stored beside each memory and indexed.
 */

/** Lower-cased words of a text, letters and digits in any script. */
export function words(text: string): string[] {
  return text.toLowerCase().replaceAll('ё', 'е').match(/[\p{L}\p{N}]+/gu) ?? [];
}

const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /^[a-z]+$/;

/**
 * Snowball's Russian stemmer removes the present-tense endings -ет/-ут/-ешь only after а/я, so
 * "живёт" stays whole while "живу" becomes "жив". Trimming them when three letters remain
 * makes the first and third person meet ("пишу"/"пишет", "живу"/"живёт"); nouns that end so
 * ("ответ") are cut the same way in every form, so they still match each other.
 */
const RUSSIAN_VERB_ENDING = /(ет|ут|ют|ешь|ете)$/;

function russianWordStem(word: string): string {
  const stem = russianStem(word);
  const trimmed = stem.replace(RUSSIAN_VERB_ENDING, '');
  return trimmed.length >= 3 ? trimmed : stem;
}

/** One lower-cased word's stem, by its script. */
export function stemWord(word: string): string {
  if (CYRILLIC.test(word)) return russianWordStem(word);
  if (LATIN.test(word)) return englishStem(word);
  return word;
}

/**
 * The content stems of a text, in order: stop words dropped, first-person words mapped to the
 * user. The same function serves documents and queries, so both sides always agree.
 */
export function contentStems(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const user = USER_WORDS.get(word);
    if (user) out.push(user);
    else if (!STOP_WORDS.has(word)) out.push(stemWord(word));
  }
  return out;
}

/** What goes into a memory's FTS column: its content stems joined by spaces. */
export function stemmedText(text: string): string {
  return contentStems(text).join(' ');
}

/** An FTS5 MATCH expression: any of the stems, each quoted (a stem is never FTS syntax). */
export function matchAny(stems: Iterable<string>): string | null {
  const unique = [...new Set(stems)].filter(Boolean);
  return unique.length ? unique.map((s) => `"${s.replaceAll('"', '""')}"`).join(' OR ') : null;
}

/**
 * Words for the trigram index, as written: catches what stemming cannot, like "postgres" in
 * "PostgreSQL" or a path fragment. Trigrams need three letters; short words would match everything.
 */
export function trigramMatch(text: string): string | null {
  const terms = [...new Set(words(text).filter((w) => w.length >= 4 && !STOP_WORDS.has(w)))];
  return terms.length ? terms.map((t) => `"${t}"`).join(' OR ') : null;
}

/** Text compared for exact duplicates: words only, lower-cased, in order. */
export function normalizeText(text: string): string {
  return words(text).join(' ');
}

/** Jaccard overlap of two texts' content stems, 0..1 (1 when both say the same words). */
export function stemOverlap(a: string, b: string): number {
  return jaccard(new Set(contentStems(a)), new Set(contentStems(b)));
}

/** Jaccard overlap of two sets of stems, 0..1 (0 when either is empty). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const s of a) if (b.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Share of the query's content stems found in the text, 0..1: "does this text cover the question". */
export function coverage(query: string, text: string): number {
  const q = new Set(contentStems(query));
  if (!q.size) return 0;
  const t = new Set(contentStems(text));
  let hit = 0;
  for (const s of q) if (t.has(s)) hit++;
  return hit / q.size;
}
