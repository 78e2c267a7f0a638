import type { FastifyReply } from 'fastify';
import type { EventListener } from '../runtime/task-emitter.js';
import type { PreparedRun } from '../runtime/start-task.js';

/**
 * Streams a prepared run as server-sent events. A client that goes away aborts the run, which
 * cancels the model request and kills any running command.
 */
export async function streamRun(reply: FastifyReply, run: PreparedRun): Promise<void> {
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableEnded) controller.abort(new Error('client disconnected'));
  };
  res.on('close', onClose);
  const send: EventListener = (type, payload) => {
    if (!res.writableEnded && !res.destroyed) res.write(`event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`);
  };
  try {
    await run.run(send, controller.signal);
  } finally {
    res.off('close', onClose);
    if (!res.writableEnded) res.end();
  }
}
