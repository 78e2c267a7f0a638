import type { StreamChunk } from '../model/model-client.js';
import { answerStream } from './thinker.js';
import type { TaskContext } from './task-context.js';

/**
 * The answer, started beside the route decision instead of after it. Its chunks are held here,
 * unseen: when the decision says no tool is needed they are released (the user's first token
 * then comes as soon as both are ready); when a tool is needed the request is aborted, which
 * frees the server's slot, and its text never reaches a client, the log or the conversation.
 *
 * It starts on the next turn of the event loop, not at once: a decision already in hand (a model
 * that answers instantly, a cached reply) costs no second request.
 */
export class SpeculativeAnswer {
  private readonly controller = new AbortController();
  private readonly held: StreamChunk[] = [];
  private finished = false;
  private failure: unknown = null;
  private wake: (() => void) | null = null;
  private pump: Promise<void> | null = null;
  private readonly timer: NodeJS.Immediate;

  constructor(private readonly ctx: TaskContext) {
    this.timer = setImmediate(() => this.start());
  }

  /** The answer's chunks: those held so far, then the rest as they come. */
  async *release(): AsyncGenerator<StreamChunk> {
    this.start();
    for (;;) {
      const chunk = this.held.shift();
      if (chunk) {
        yield chunk;
        continue;
      }
      if (this.finished) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.failure) throw this.failure;
  }

  /** Drops the answer unseen; resolves once its request has ended, so nothing of it outlives the decision. */
  async discard(): Promise<boolean> {
    clearImmediate(this.timer);
    if (!this.pump) return false;
    this.controller.abort(new Error('a tool is needed first; the early answer was dropped'));
    await this.pump;
    this.held.length = 0;
    return true;
  }

  private start(): void {
    if (this.pump) return;
    clearImmediate(this.timer);
    // Its own signal: dropping it must not cancel the task, and cancelling the task ends it too.
    const signal = AbortSignal.any([this.ctx.signal, this.controller.signal]);
    this.pump = this.run({ ...this.ctx, signal });
  }

  private async run(ctx: TaskContext): Promise<void> {
    try {
      for await (const chunk of answerStream(ctx)) {
        this.held.push(chunk);
        this.wake?.();
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.finished = true;
      this.wake?.();
    }
  }
}
