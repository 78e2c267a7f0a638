/**
 * The simulated model's tokens: messages rendered as ChatML text (as Qwen's template does) and
 * split into word-ish pieces, so that shared prompt prefixes are measured in tokens.
 *
 * A token is one of: a special token (`<|im_start|>`, `<|im_end|>`) whole; one CJK character; a
 * word with at most one leading space; a run of punctuation with at most one leading space (never
 * swallowing a special token that follows); a newline; a run of other whitespace. Newlines stand alone, so the text after "assistant\n" splits
 * the same way inside a prompt and as a generated reply: a reply appended to a slot's cache lines up
 * with the same reply inside the next turn's history.
 */

const TOKEN = /<\|im_(?:start|end)\|>|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]| ?[\p{L}\p{M}\p{N}_]+| ?(?:(?!<\|im_(?:start|end)\|>)[^\s\p{L}\p{M}\p{N}_])+|\n|[^\S\n]+/gu;

/** Splits text into tokens; joined back they give the text unchanged. */
export function tokenize(text) {
  return text.match(TOKEN) ?? [];
}

/** A message's text: a string, or the text parts of an OpenAI content array. */
export function contentText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : typeof part?.text === 'string' ? part.text : '')).join('');
  return content === null || content === undefined ? '' : String(content);
}

/** The prompt as a llama-server with a ChatML template sees it, ready for the assistant's reply. */
export function renderChatML(messages) {
  let text = '';
  for (const m of messages) text += `<|im_start|>${m.role}\n${contentText(m.content)}<|im_end|>\n`;
  return `${text}<|im_start|>assistant\n`;
}

/** How many leading tokens two sequences share. */
export function commonPrefix(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
