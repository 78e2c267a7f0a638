import type { ChatMessage } from '../../src/model/model-client.js';
import { firstOf, type SseResponse } from '../support/sse-client.js';
import type { TestApp } from '../support/test-app.js';

export interface LoggedEvent {
  event_type: string;
  payload: Record<string, unknown>;
}

/** Runs one chat turn, waits for memory policy and reflection, returns the task's whole event log. */
export async function chat(t: TestApp, body: Record<string, unknown>): Promise<{ r: SseResponse; events: LoggedEvent[]; taskId: string }> {
  const r = await t.stream('/v1/chat/stream', body);
  const taskId = firstOf(r, 'runtime_status').task_id as string;
  await t.app.runtime.idle();
  const events = (await t.get(`/v1/tasks/${taskId}/events`)).json as LoggedEvent[];
  return { r, events, taskId };
}

export const eventOf = (events: LoggedEvent[], type: string) => events.find((e) => e.event_type === type)?.payload;
export const typesOf = (events: LoggedEvent[]) => events.map((e) => e.event_type);

/** The numbered lines ("0: text") of a prompt's last message. */
export function numberedLines(messages: ChatMessage[]): string[] {
  return (messages.at(-1)?.content ?? '').split('\n').filter((line) => /^\d+: /.test(line));
}

/** The number a list shows for the line containing `text`, as the judge would name it. */
export function idOf(messages: ChatMessage[], text: string): string {
  const line = numberedLines(messages).find((l) => l.includes(text));
  return line ? line.split(':')[0]! : 'none';
}

export const quietPolicy = { should_store: false, summary: '' };
