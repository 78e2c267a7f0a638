import { createServer, type AddressInfo } from 'node:net';
/** Shared by the model client tests: fake servers closed after each test, stream collection. */
import { afterEach } from 'vitest';
import type { StreamChunk } from '../../src/model/model-client.js';
import { OpenAICompatibleClient, type OpenAICompatibleClientOptions } from '../../src/model/openai-compatible-client.js';
import { ROLES, type Role } from '../../src/model/roles.js';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeScript, type FakeServerOptions } from '../support/fake-openai-server.js';

const servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export const sameModel = (name: string) => Object.fromEntries(ROLES.map((r) => [r, name])) as Record<Role, string>;
export const hello = [{ role: 'user' as const, content: 'hello there' }];

export async function fake(script: FakeScript, opts?: FakeServerOptions): Promise<FakeOpenAIServer> {
  const server = await startFakeOpenAIServer(script, opts);
  servers.push(server);
  return server;
}

export function clientFor(baseUrl: string, extra: Partial<OpenAICompatibleClientOptions> = {}): OpenAICompatibleClient {
  return new OpenAICompatibleClient({ baseUrl, models: sameModel('local-main'), ...extra });
}

export async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

export const joined = (chunks: StreamChunk[], type: 'reasoning_delta' | 'content_delta') =>
  chunks.flatMap((c) => (c.type === type ? [c.delta] : [])).join('');

export const usageOf = (chunks: StreamChunk[]) => chunks.flatMap((c) => (c.type === 'usage' ? [c.usage] : []));

/** A URL on a port that was open a moment ago and is now closed: connecting is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}
