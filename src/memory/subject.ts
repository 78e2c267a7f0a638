import { POSSESSIVE_USER_WORDS, STOP_WORDS, USER_WORDS } from './stop-words.js';
import { stemWord } from './text.js';

/**
 * Who (or what) a memory or a question is about. A personal memory holds facts about the user
 * and about the people around them in the same words ("The user works at Acme", "The user's
 * colleague works at Acme"), so word overlap alone cannot tell "Where do I work?" which is meant.
 *
 * - `self`: about the user themself ("The user lives in Berlin", "Where do I live?").
 * - `user`: the user is in it: themself, or as whose the subject is ("The user's sister").
 * - `own`: stems naming someone or something else ("The user's sister Olga" → sister, olga;
 *   "What does my sister do?" → sister; "The billing service deploys …" → bill).
 *
 * Read from grammar, not from lists of topics: possessives ("my X", "the user's X", "X of the
 * user", "мою X", "X пользователя"), the first-person pronouns of the languages we stem, and the
 * sentence's leading noun or proper name. The memory policy may name the subject itself; then
 * its phrase is read the same way (`subjectOfPhrase`).
 */
export interface Subject {
  self: boolean;
  user: boolean;
  own: string[];
  /** A question's content stems: "Какого числа у меня день рождения?" mentions the birthday a memory is about. */
  mentions?: string[];
}

/** A subject as read from a text, with the words it was read from ("user", "colleague Anna"). */
export interface NamedSubject extends Subject {
  phrase: string;
}

export type SubjectRelation = 'same' | 'other' | 'neutral';

/** What is stored in a memory's `about` column and searched: this token, or the `own` stems. */
export const SELF_TOKEN = 'userself';

interface Token {
  raw: string;
  word: string;
  stem: string;
  capital: boolean;
  /** English "'s": "the user's", "Anna's". */
  possessive: boolean;
  /** Punctuation or the text's start came right before: a new clause. */
  clauseStart: boolean;
}

const USER_STEMS = new Set(['user', 'пользовател']);
const TOKEN = /([\p{L}\p{N}]+)(['’]s\b)?|([.,;:!?()"«»—–])/gu;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let clauseStart = true;
  for (const m of text.matchAll(TOKEN)) {
    if (m[3]) {
      clauseStart = true;
      continue;
    }
    const raw = m[1]!;
    const word = raw.toLowerCase().replaceAll('ё', 'е');
    out.push({ raw, word, stem: USER_WORDS.get(word) ?? stemWord(word), capital: raw[0] !== raw[0]!.toLowerCase(), possessive: Boolean(m[2]), clauseStart });
    clauseStart = false;
  }
  return out;
}

/** A stem that stands for the user: "user", "пользовател" (and the first-person words mapped to them). */
export const isUserStem = (stem: string) => USER_STEMS.has(stem);
const isUser = (t: Token) => USER_WORDS.has(t.word) || USER_STEMS.has(t.stem);
const isContent = (t: Token | undefined): t is Token => t !== undefined && !STOP_WORDS.has(t.word) && !isUser(t);
/** Russian genitive/accusative "пользователя": "жену пользователя" is the user's wife. */
const isUserGenitive = (t: Token) => t.stem === 'пользовател' && t.word.endsWith('я');

/**
 * The words a possessive names, starting at `from`: up to `max` content words of the same
 * clause, plus proper names right after them ("the user's colleague Anna").
 */
function possessed(tokens: Token[], from: number, max: number): Token[] {
  const out: Token[] = [];
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i > from && t.clauseStart) break;
    if (!isContent(t)) break;
    if (out.length < max || (t.capital && i > 0)) out.push(t);
    else break;
    // "my brother's wife" is the brother's: whom the user is linked through names the subject.
    if (t.possessive) break;
  }
  return out;
}

/**
 * Where the user is in a text, and what of theirs it names: "my X" / "the user's X" (up to
 * `words` words), "X пользователя", "X of the user".
 */
function userLinks(tokens: Token[], words: number): { user: boolean; own: Token[] } {
  const own: Token[] = [];
  let user = false;
  tokens.forEach((t, i) => {
    if (!isUser(t)) return;
    user = true;
    if (t.possessive || POSSESSIVE_USER_WORDS.has(t.word)) own.push(...possessed(tokens, i + 1, words));
    else if (isUserGenitive(t) && !t.clauseStart && isContent(tokens[i - 1])) own.push(tokens[i - 1]!);
    else own.push(...ofTheUser(tokens, i));
  });
  return { user, own };
}

/**
 * A stored memory's subject, from its text. Memories are written in the third person about
 * "the user", so a sentence with the user in it is about the user unless the user owns its
 * subject ("The user's wife …", "Жену пользователя …", "a colleague of the user"); a sentence
 * without the user is about its leading noun or name ("Anna has a dog", "The billing service …").
 */
export function subjectOfMemory(text: string): NamedSubject {
  const tokens = tokenize(text);
  const { user, own } = userLinks(tokens, 1);
  if (!user) {
    const lead = tokens.findIndex((t) => !STOP_WORDS.has(t.word));
    if (lead >= 0) own.push(...possessed(tokens, lead, 1));
  }
  return finish(user, own);
}

/**
 * A question's subject, or null when it names nobody: "Where do I work?" is about the user,
 * "What does my sister do?" about the sister, "Where does Anna live?" about Anna; "Which
 * database does the project use?" names no one, and ranking stays lexical.
 */
export function subjectOfQuestion(text: string): Subject | null {
  const tokens = tokenize(text);
  // A question may say "my older sister", "мой день рождения": two words.
  const { user, own } = userLinks(tokens, 2);
  if (!user) {
    // Someone named: "Where does Anna live?", "When is Anna's birthday?".
    tokens.forEach((t, i) => {
      if (isContent(t) && ((t.capital && i > 0 && !t.clauseStart) || t.possessive)) own.push(t);
    });
    if (!own.length) return null;
  }
  const { phrase: _phrase, ...subject } = finish(user, own);
  return { ...subject, mentions: tokens.filter(isContent).map((t) => t.stem) };
}

/** A subject named in words, as the memory policy or a person gives it: "the user's sister Olga", "user", "Anna". */
export function subjectOfPhrase(phrase: string): NamedSubject {
  const tokens = tokenize(phrase);
  return { ...finish(tokens.some(isUser), tokens.filter(isContent)), phrase: phrase.trim() };
}

/** "X of the user", "X of mine": the word before "of". */
function ofTheUser(tokens: Token[], at: number): Token[] {
  let i = at - 1;
  if (tokens[i]?.word === 'the') i--;
  if (tokens[i]?.word !== 'of') return [];
  return isContent(tokens[i - 1]) ? [tokens[i - 1]!] : [];
}

function finish(user: boolean, own: Token[]): NamedSubject {
  const unique = [...new Map(own.map((t) => [t.stem, t])).values()];
  const words = unique.map((t) => t.raw).join(' ');
  return { self: user && !unique.length, user, own: unique.map((t) => t.stem), phrase: !user ? words : !unique.length ? 'user' : CYRILLIC.test(words) ? `${words} пользователя` : `user's ${words}` };
}

const CYRILLIC = /\p{Script=Cyrillic}/u;

/** The `about` column: what the subject search matches. */
export function aboutTokens(subject: Subject): string {
  return subject.self ? SELF_TOKEN : subject.own.join(' ');
}

const phraseCache = new Map<string, Subject>();
const PHRASE_CACHE_SIZE = 10_000;

/** A stored memory's subject, from its `subject` phrase (read once per phrase). */
export function storedSubject(phrase: string | null): Subject | null {
  if (!phrase) return null;
  let subject = phraseCache.get(phrase);
  if (!subject) {
    if (phraseCache.size >= PHRASE_CACHE_SIZE) phraseCache.clear();
    phraseCache.set(phrase, (subject = subjectOfPhrase(phrase)));
  }
  return subject.user || subject.own.length ? subject : null;
}

/** The terms a subject-focused search looks for in `about`. */
export function focusTerms(subject: Subject): string[] {
  return subject.self ? [SELF_TOKEN] : subject.own;
}

/**
 * How a memory's subject relates to a question's. Grammar cannot tell a person from a thing
 * ("my sister", "my birthday"), so where that matters the relation stays neutral:
 * - "Where do I work?": the user's own facts are the same, "The user's colleague …" other, unless
 *   the question mentions what the memory is about ("Какого числа у меня день рождения?" and
 *   "День рождения пользователя", read as about "рождения");
 * - "What does my sister do?": "The user's sister …" the same, "The user's brother …" other, the
 *   user's own facts neutral ("my name" is answered by one);
 * - "Where does Anna live?": memories about Anna the same, about anyone else other.
 */
export function subjectRelation(question: Subject | null, memory: Subject | null): SubjectRelation {
  if (!question || !memory) return 'neutral';
  if (question.self) {
    if (memory.self) return 'same';
    if (!memory.user) return 'neutral';
    return memory.own.some((s) => question.mentions?.includes(s)) ? 'neutral' : 'other';
  }
  if (question.own.some((s) => memory.own.includes(s))) return memory.user || !question.user ? 'same' : 'neutral';
  if (!question.user) return 'other';
  return memory.user && memory.own.length ? 'other' : 'neutral';
}
