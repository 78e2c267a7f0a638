/**
 * The bench's client for task streams (issue 13): one SSE connection to `POST /v1/chat/stream` or
 * `GET /v1/tasks/{id}/stream`, frame by frame with each frame's `id:`, that the caller can hang up
 * after any frame. Times are performance.now() values, so callers measure from their own t0.
 */
import { readSse } from './client.mjs';

/**
 * Opens one stream and reads it until it ends or `onFrame` returns true (hang up: the frames after
 * that one, even in the same chunk, are not read). Returns what happened:
 *   { status, startedAt, headersAt, firstFrameAt, endedAt, frames, hungUp, error }
 * onFrame({ id, event, data, at }): id is the frame's sequence number (null if none), data parsed.
 */
export async function openStream(url, token, { method = 'GET', body, lastEventId, timeoutMs = 300_000, onFrame }) {
  const startedAt = performance.now();
  const result = { status: 0, startedAt, headersAt: null, firstFrameAt: null, frames: 0, hungUp: false, error: null };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no end after ${timeoutMs} ms`)), timeoutMs);
  try {
    const headers = { authorization: `Bearer ${token}`, 'x-ducklm-client': 'bench' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (lastEventId !== undefined && lastEventId !== null) headers['last-event-id'] = String(lastEventId);
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: controller.signal });
    result.status = response.status;
    result.headersAt = performance.now();
    if (!response.ok) {
      result.error = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
      return result;
    }
    const hungUp = await readSse(response, (message) => {
      const at = performance.now();
      result.firstFrameAt ??= at;
      result.frames++;
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        data = message.data;
      }
      const id = message.id === undefined || message.id === '' ? null : Number(message.id);
      return onFrame({ id, event: message.event ?? 'message', data, at });
    });
    if (hungUp) {
      result.hungUp = true;
      controller.abort();
    }
  } catch (error) {
    if (!result.hungUp) result.error = `${error?.name ?? 'Error'}: ${error?.message ?? error}${error?.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`;
  } finally {
    clearTimeout(timer);
    result.endedAt = performance.now();
  }
  return result;
}

/**
 * What one follower saw, accumulated across its connections: the answer text, the frame ids (each
 * must be higher than the one before it, across reconnections too) and the times of its first
 * delta, its `done` and its last delta.
 */
export function followerRecord() {
  const rec = { text: '', deltaFrames: 0, lastId: null, duplicates: 0, duplicateSamples: [], firstDeltaAt: null, lastDeltaAt: null, doneAt: null, done: null, taskId: null, events: new Map() };
  rec.take = (frame) => {
    if (frame.id !== null) {
      if (rec.lastId !== null && frame.id <= rec.lastId) {
        rec.duplicates++;
        if (rec.duplicateSamples.length < 5) rec.duplicateSamples.push(`id ${frame.id} (${frame.event}) after id ${rec.lastId}`);
      }
      rec.lastId = Math.max(rec.lastId ?? 0, frame.id);
    }
    rec.events.set(frame.event, (rec.events.get(frame.event) ?? 0) + 1);
    if (frame.event === 'content_delta') {
      rec.text += frame.data.delta;
      rec.deltaFrames++;
      rec.firstDeltaAt ??= frame.at;
      rec.lastDeltaAt = frame.at;
      return;
    }
    if (typeof frame.data === 'object' && frame.data?.task_id) rec.taskId ??= frame.data.task_id;
    if (frame.event === 'done') {
      rec.doneAt ??= frame.at;
      rec.done = frame.data;
    }
  };
  return rec;
}
