import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

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
    onEvent: (message: EventSourceMessage) => events.push({ event: message.event ?? 'message', data: JSON.parse(message.data) as Record<string, unknown> }),
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
export async function openStream(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const queue: SseEvent[] = [];
  const parser = createParser({ onEvent: (m) => queue.push({ event: m.event ?? 'message', data: JSON.parse(m.data) as Record<string, unknown> }) });
  return {
    status: response.status,
    async waitFor(type: string): Promise<SseEvent> {
      for (;;) {
        const index = queue.findIndex((e) => e.event === type);
        if (index >= 0) return queue.splice(0, index + 1).at(-1)!;
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before "${type}"`);
        parser.feed(value);
      }
    },
    hangUp(): void {
      controller.abort();
    },
  };
}
