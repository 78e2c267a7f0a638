import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  /** The frame's `id:`: the event's sequence number in its task's log. */
  id?: number;
}

const toEvent = (m: EventSourceMessage): SseEvent => ({ event: m.event ?? 'message', data: JSON.parse(m.data) as Record<string, unknown>, ...(m.id ? { id: Number(m.id) } : {}) });

export interface SseResponse {
  status: number;
  /** The raw body, as the seed's tests read it. */
  body: string;
  events: SseEvent[];
  json?: unknown;
}

/** POSTs JSON and reads the whole SSE answer, frame by frame, with a real parser. `init.headers` add to the JSON content type. */
export async function postStream(baseUrl: string, path: string, body: unknown, init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {}): Promise<SseResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  const text = await response.text();
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    return { status: response.status, body: text, events: [], json: text ? JSON.parse(text) : undefined };
  }
  return { status: response.status, body: text, events: parseSse(text) };
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => events.push(toEvent(message)),
  });
  parser.feed(text);
  return events;
}

export const eventsOf = (response: SseResponse, type: string) => response.events.filter((e) => e.event === type);
export const firstOf = (response: SseResponse, type: string) => {
  const found = response.events.find((e) => e.event === type);
  if (!found) throw new Error(`no "${type}" event in: ${response.events.map((e) => e.event).join(', ')}`);
  return found.data;
};

/** A stream read live: wait for a given event, then hang up like a closed browser tab. */
export function openStream(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return openSse(baseUrl, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** `GET` a task stream (a follower), read live. */
export function openFollow(baseUrl: string, path: string, headers: Record<string, string> = {}) {
  return openSse(baseUrl, path, { method: 'GET', headers });
}

export type LiveStream = Awaited<ReturnType<typeof openSse>>;

async function openSse(baseUrl: string, path: string, init: RequestInit) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}${path}`, { ...init, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const queue: SseEvent[] = [];
  /** Every event read so far, in order (waitFor takes from `queue`, not from here). */
  const seen: SseEvent[] = [];
  let comments = 0;
  const parser = createParser({
    onEvent: (m) => {
      const event = toEvent(m);
      queue.push(event);
      seen.push(event);
    },
    onComment: () => comments++,
  });
  const readMore = async (): Promise<boolean> => {
    const { value, done } = await reader.read();
    if (done) return false;
    parser.feed(value);
    return true;
  };
  return {
    status: response.status,
    seen,
    comments: () => comments,
    async waitFor(type: string): Promise<SseEvent> {
      for (;;) {
        const index = queue.findIndex((e) => e.event === type);
        if (index >= 0) return queue.splice(0, index + 1).at(-1)!;
        if (!(await readMore())) throw new Error(`stream ended before "${type}"`);
      }
    },
    /** Reads until `ok` holds for what was read, or the stream ends (false). */
    async until(ok: () => boolean): Promise<boolean> {
      while (!ok()) if (!(await readMore())) return false;
      return true;
    },
    /** Reads to the end of the stream; every event read. */
    async rest(): Promise<SseEvent[]> {
      while (await readMore());
      return seen;
    },
    hangUp(): void {
      controller.abort();
    },
  };
}
