/**
 * Takes `<think>…</think>` out of a model's content. Servers that do not parse reasoning
 * themselves (llama-server --reasoning-format none, vLLM without --reasoning-parser, most
 * OpenAI-compatible proxies) leave it inline, and it must never reach the user as the answer.
 */

export interface SplitPiece {
  reasoning: string;
  content: string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

type State = 'start' | 'think' | 'after' | 'content';

/**
 * A streaming splitter: feed it content deltas, it hands back what is reasoning and what is
 * answer. Tags may arrive split across deltas, so a possible tag start is held back until the
 * next delta settles it (a few characters at most).
 */
export class ThinkTagSplitter {
  private state: State = 'start';
  private buffer = '';
  /** Inside a block the chat template opened: no `<think>` in the reply, only its `</think>`. */
  private implicit: boolean;
  /** What an implicit block emitted as reasoning, given back as the answer if it never closes. */
  private implicitText = '';
  private sawThink = false;
  /** Nothing of the current block emitted yet: its leading whitespace is dropped. */
  private blockStart = false;
  /** A `</think>` came without a `<think>`: this model's template opens the block itself. */
  orphanClose = false;

  /**
   * @param options.startInside the reply starts inside a think block the template opened (some
   *   Qwen and DeepSeek templates end the prompt with `<think>\n`).
   */
  constructor(options: { startInside?: boolean } = {}) {
    this.implicit = options.startInside ?? false;
  }

  push(text: string): SplitPiece {
    this.buffer += text;
    const out: SplitPiece = { reasoning: '', content: '' };
    for (;;) {
      if (this.state === 'start') {
        const trimmed = this.buffer.trimStart();
        if (!trimmed || (OPEN.startsWith(trimmed) && trimmed.length < OPEN.length)) break;
        if (trimmed.startsWith(OPEN)) {
          this.buffer = trimmed.slice(OPEN.length);
          this.enterThink(false);
        } else if (this.implicit) {
          this.buffer = trimmed;
          this.enterThink(true);
        } else {
          this.state = 'content';
        }
      } else if (this.state === 'think') {
        if (this.blockStart) {
          this.buffer = this.buffer.trimStart();
          if (!this.buffer) break;
          this.blockStart = false;
        }
        const close = this.buffer.indexOf(CLOSE);
        if (close >= 0) {
          this.emitReasoning(out, this.buffer.slice(0, close).trimEnd());
          this.buffer = this.buffer.slice(close + CLOSE.length);
          this.implicit = false;
          this.state = 'after';
          continue;
        }
        // Trailing whitespace waits too, so that the reasoning does not end in the newline before `</think>`.
        const tag = partialSuffix(this.buffer, CLOSE);
        const before = this.buffer.slice(0, this.buffer.length - tag);
        const keep = tag + before.length - before.trimEnd().length;
        this.emitReasoning(out, this.buffer.slice(0, this.buffer.length - keep));
        this.buffer = this.buffer.slice(this.buffer.length - keep);
        break;
      } else if (this.state === 'after') {
        const trimmed = this.buffer.trimStart();
        this.buffer = trimmed;
        if (!trimmed) break;
        this.state = 'content';
      } else {
        if (this.sawThink) {
          out.content += this.buffer;
          this.buffer = '';
          break;
        }
        const close = this.buffer.indexOf(CLOSE);
        if (close >= 0) {
          // Earlier deltas already went out as answer; from here on the model is known to do this.
          this.orphanClose = true;
          this.sawThink = true;
          out.reasoning += this.buffer.slice(0, close).trimEnd();
          this.buffer = this.buffer.slice(close + CLOSE.length);
          this.state = 'after';
          continue;
        }
        const keep = partialSuffix(this.buffer, CLOSE);
        out.content += this.buffer.slice(0, this.buffer.length - keep);
        this.buffer = this.buffer.slice(this.buffer.length - keep);
        break;
      }
    }
    return out;
  }

  /** The held-back rest, at the end of the reply. */
  end(): SplitPiece {
    const rest = this.buffer;
    this.buffer = '';
    if (this.state === 'think') {
      // A block the template opened and the model never closed was the answer after all
      // (thinking was off, or the template only looked like it opened one).
      if (this.implicit) return { reasoning: '', content: this.implicitText + rest.trimEnd() };
      return { reasoning: rest.trimEnd(), content: '' };
    }
    if (this.state === 'after') return { reasoning: '', content: '' };
    return { reasoning: '', content: rest };
  }

  private enterThink(implicit: boolean): void {
    this.state = 'think';
    this.sawThink = true;
    this.blockStart = true;
    this.implicit = implicit;
  }

  private emitReasoning(out: SplitPiece, text: string): void {
    out.reasoning += text;
    if (this.implicit) this.implicitText += text;
  }
}

/** A whole, non-streamed reply: reasoning from its think block, content without it. */
export function splitThinkTags(text: string): { reasoning: string | null; content: string; templateOpened: boolean } {
  // With the whole text at hand, a `</think>` without a `<think>` settles it: all before it was reasoning.
  const templateOpened = !text.trimStart().startsWith(OPEN) && text.includes(CLOSE);
  const splitter = new ThinkTagSplitter({ startInside: templateOpened });
  const first = splitter.push(text);
  const last = splitter.end();
  const reasoning = first.reasoning + last.reasoning;
  return { reasoning: reasoning || null, content: first.content + last.content, templateOpened };
}

/** How many characters at the end of `text` could be the start of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
