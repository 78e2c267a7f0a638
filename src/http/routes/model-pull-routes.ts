import type { FastifyInstance, FastifyReply } from 'fastify';
import { listLocalModels, listPartialModels, modelsFolder } from '../../model/local-models.js';
import { ModelPulls, type PullStatus } from '../../model/pull/model-pulls.js';
import { modelPullBody, pullIdParams } from '../model-pull-schemas.js';
import { parseInput } from '../request-schemas.js';

/**
 * GGUF downloads for the Settings view: start a pull (202 and its id), read or follow its progress
 * (SSE: one `progress` frame per change, then `done`, `failed` or `cancelled`), cancel it, and list
 * the models pulled into `<data folder>/models`, which the embedded engine can load (DUCK_MODEL_PATH).
 * Pulls stop when the server closes; what they downloaded stays on disk to resume.
 */
export function registerModelPullRoutes(app: FastifyInstance, dataDir: string, pulls: ModelPulls = new ModelPulls({ dataDir })): void {
  app.addHook('onClose', async () => pulls.closeAll());

  app.get('/v1/models/local', async () => ({ folder: modelsFolder(dataDir), models: listLocalModels(dataDir), partial: listPartialModels(dataDir) }));

  app.post('/v1/models/pull', async (request, reply) => {
    const body = parseInput(modelPullBody, request.body);
    const status = pulls.start(body.source, body.sha256 ?? null);
    return reply.status(202).header('location', `/v1/models/pulls/${status.id}`).send(status);
  });

  app.get('/v1/models/pulls', async () => ({ pulls: pulls.list() }));

  app.get('/v1/models/pulls/:pullId', async (request) => pulls.get(parseInput(pullIdParams, request.params).pullId));

  app.delete('/v1/models/pulls/:pullId', async (request) => pulls.cancel(parseInput(pullIdParams, request.params).pullId));

  app.get('/v1/models/pulls/:pullId/stream', async (request, reply) => {
    const { pullId } = parseInput(pullIdParams, request.params);
    const current = pulls.get(pullId);
    return streamPull(reply, current, (listener) => pulls.follow(pullId, listener));
  });
}

const EVENT_FOR: Record<PullStatus['state'], string> = { running: 'progress', done: 'done', failed: 'failed', cancelled: 'cancelled' };

/** Sends the pull's status now and at each change, and ends after its final state. */
function streamPull(reply: FastifyReply, current: PullStatus, follow: (listener: (status: PullStatus) => void) => () => void): Promise<void> {
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  return new Promise<void>((resolve) => {
    let stop: () => void = () => {};
    const end = () => {
      stop();
      res.off('close', end);
      if (!res.writableEnded) res.end();
      resolve();
    };
    const send = (status: PullStatus) => {
      if (!res.writableEnded && !res.destroyed) res.write(`event: ${EVENT_FOR[status.state]}\ndata: ${JSON.stringify(status)}\n\n`);
      if (status.state !== 'running') end();
    };
    res.on('close', end);
    // Followed before the first frame, so that no change falls between them.
    if (current.state === 'running') stop = follow(send);
    send(current);
  });
}
