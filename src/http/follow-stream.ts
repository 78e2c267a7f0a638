import type { FastifyReply } from 'fastify';
import { DEBUG_ONLY_EVENTS } from '../events/task-event.js';
import type { ConversationEvent } from '../events/conversation-event.js';
import type { ConversationWatch } from '../runtime/conversation-watch.js';
import type { LoggedEvent, TaskLog } from '../runtime/task-log.js';
import type { Store } from '../store/store.js';

/** How a follower follows: from which event, until which moment, with debug events or not. */
export interface FollowOptions {
  /** Events after this sequence number are sent (0: all). */
  after: number;
  /** `pause`: end when the task pauses for a person or finishes; `end`: stay through pauses. */
  until: 'pause' | 'end';
  debug: boolean;
}

const FINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);

/** The log hands every live follower the same event object: its frame is written once, not once per follower. */
const frames = new WeakMap<LoggedEvent, string>();

function frameOf(event: LoggedEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.payload)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

/**
 * Task streams as server-sent events: each a follower of the task log, which replays what the
 * client has not seen and then streams live. Every frame carries its sequence number as `id:`, so
 * a client that drops resumes with `Last-Event-ID`. A client that hangs up only stops following:
 * the task goes on.
 */
export class TaskStreams {
  private readonly streams = new Set<() => void>();

  constructor(
    private readonly log: TaskLog,
    private readonly store: Store,
    /** A comment line keeps an idle stream (and the proxies on its way) from timing out. */
    private readonly keepAliveMs: number,
  ) {}

  /** Streams task `taskId` to this reply until the task settles as `options.until` says, or the client leaves. */
  follow(reply: FastifyReply, taskId: string, options: FollowOptions): Promise<void> {
    return this.open(reply, ({ write, end, ended }) => {
      // Checked after the event that may have ended it has gone out (and outside the log's delivery).
      const checkEnd = () =>
        queueMicrotask(() => {
          if (ended() || this.log.isOpen(taskId)) return;
          const status = this.store.tasks.get(taskId)?.status;
          if (options.until === 'pause' || !status || FINAL_STATUSES.has(status)) end();
        });
      const send = (event: LoggedEvent) => {
        if (!options.debug && DEBUG_ONLY_EVENTS.has(event.type)) return;
        write(frameOf(event));
        if (event.type === 'done') checkEnd();
      };
      return this.log.follow(taskId, options.after, { event: send, settled: checkEnd });
    });
  }

  /**
   * Tells a client showing a conversation of every task started in it, until it leaves: first the
   * tasks still running or paused, then each new one. The client follows each task's own stream.
   */
  watchConversation(reply: FastifyReply, conversationId: string, watch: ConversationWatch): Promise<void> {
    return this.open(reply, ({ write }) => {
      const send = (event: ConversationEvent) => {
        const { type, ...payload } = event;
        write(`event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`);
      };
      // Sent again as first told, `replaces` included: a client that missed a retry drops the replaced turns.
      for (const task of this.store.tasks.unfinishedOf(conversationId)) {
        const replaces = replacedBy(this.store.tasks.get(task.id)?.state);
        send({ type: 'task_started', conversation_id: conversationId, task_id: task.id, message: task.message, ...(replaces ? { replaces } : {}) });
      }
      return watch.watch(conversationId, send);
    });
  }

  /** Tells a client the model's status now and whenever it changes: the page's header follows it. */
  watchModel<T>(reply: FastifyReply, watch: (listener: (status: T) => void) => () => void): Promise<void> {
    return this.open(reply, ({ write }) => watch((status) => write(`event: model_status\ndata: ${JSON.stringify(status)}\n\n`)));
  }

  /** An SSE response that `start` writes to; `start` returns how to stop, called when the stream ends either way. */
  private open(reply: FastifyReply, start: (channel: { write(text: string): void; end(): void; ended(): boolean }) => () => void): Promise<void> {
    const res = reply.raw;
    reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    return new Promise<void>((resolve) => {
      let stop: (() => void) | null = null;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(keepAlive);
        stop?.();
        res.off('close', end);
        this.streams.delete(end);
        if (!res.writableEnded) res.end();
        resolve();
      };
      const write = (text: string) => {
        if (!res.writableEnded && !res.destroyed) res.write(text);
      };
      const keepAlive = setInterval(() => write(': keepalive\n\n'), this.keepAliveMs);
      keepAlive.unref();
      res.on('close', end);
      this.streams.add(end);
      stop = start({ write, end, ended: () => ended });
      if (ended) stop();
    });
  }

  /** Ends every stream (the server is stopping); clients resume from their last id elsewhere or later. */
  closeAll(): void {
    for (const end of [...this.streams]) end();
  }
}

/** The task a saved task state replaced (retry, edit), if any. */
function replacedBy(state: string | undefined): string | null {
  try {
    const replaces = (JSON.parse(state ?? '{}') as { replaces?: unknown }).replaces;
    return typeof replaces === 'string' ? replaces : null;
  } catch {
    return null;
  }
}
