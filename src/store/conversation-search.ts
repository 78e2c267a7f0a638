import { contentStems, matchAny, stemWord, words } from '../memory/text.js';
import type { Db } from './database.js';

/** One conversation found by `GET /v1/conversations?q=`: where it is, and the words that matched. */
export interface ConversationHit {
  id: string;
  score: number;
  /** A short piece of the best matching message, as written; null when only the title matched. */
  snippet: string | null;
}

// A title says what the whole conversation is about, so a match there counts double.
const TITLE_WEIGHT = 2;
// Enough hits to rank; a word found in thousands of messages adds nothing more past these.
const MAX_HITS = 5000;

/**
 * Searches titles and message text by word forms, like memory recall: both sides are stemmed with
 * the same `contentStems`, so "ducks" finds "duck" and "утки" finds "утка". Best first (BM25).
 */
export function searchConversations(db: Db, q: string, limit: number, workspace?: string): ConversationHit[] {
  const stems = contentStems(q);
  const match = matchAny(stems);
  if (!match) return [];
  const params = { match, workspace: workspace ?? null, max: MAX_HITS };
  const titleHits = db
    .prepare(
      `SELECT c.id AS id, bm25(conversations_fts) AS score FROM conversations_fts
       JOIN conversations c ON c.rowid = conversations_fts.rowid
       WHERE conversations_fts MATCH @match AND (@workspace IS NULL OR c.workspace = @workspace)
       ORDER BY score LIMIT @max`,
    )
    .all(params) as { id: string; score: number }[];
  const messageHits = db
    .prepare(
      `SELECT m.conversation_id AS id, m.content AS content, bm25(messages_fts) AS score FROM messages_fts
       JOIN messages m ON m.id = messages_fts.rowid JOIN conversations c ON c.id = m.conversation_id
       WHERE messages_fts MATCH @match AND m.status <> 'replaced' AND (@workspace IS NULL OR c.workspace = @workspace)
       ORDER BY score LIMIT @max`,
    )
    .all(params) as { id: string; content: string; score: number }[];

  // BM25 is lower for better; a conversation ranks by its best title or message match, and
  // every further matching message adds a little, so a long talk about the subject comes first.
  const found = new Map<string, ConversationHit & { best: number }>();
  for (const hit of titleHits) found.set(hit.id, { id: hit.id, score: hit.score * TITLE_WEIGHT, best: 0, snippet: null });
  for (const hit of messageHits) {
    const entry = found.get(hit.id) ?? { id: hit.id, score: 0, best: 0, snippet: null };
    if (hit.score < entry.best) {
      entry.best = hit.score;
      entry.snippet = snippetOf(hit.content, new Set(stems));
    }
    entry.score = Math.min(entry.score, hit.score) + hit.score * 0.1;
    found.set(hit.id, entry);
  }
  return [...found.values()]
    .sort((a, b) => a.score - b.score)
    .slice(0, limit)
    .map(({ id, score, snippet }) => ({ id, score: Math.round(-score * 1000) / 1000, snippet }));
}

const SNIPPET_BEFORE = 40;
const SNIPPET_LENGTH = 160;

/** A piece of `text` around its first word whose stem was asked for, cut at word boundaries. */
export function snippetOf(text: string, stems: ReadonlySet<string>): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  let at = 0;
  for (const match of flat.matchAll(/[\p{L}\p{N}]+/gu)) {
    const [word] = words(match[0]);
    if (word && stems.has(stemWord(word))) {
      at = match.index;
      break;
    }
  }
  let start = Math.max(0, at - SNIPPET_BEFORE);
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < at ? space + 1 : at;
  }
  let end = Math.min(flat.length, start + SNIPPET_LENGTH);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > at) end = space;
  }
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}
