// Embedding discovery against a real llama.cpp llama-server (../shared/llama-server, or
// DUCK_TEST_LLAMA_SERVER; skipped with a note without one), on a random-weight GGUF. What this
// build does, and what the fakes copy:
// - without --embeddings, POST /v1/embeddings answers 501 "Start it with `--embeddings`";
// - with --embeddings on a chat model (pooling "none"), 400 "Pooling type 'none' is not OAI compatible";
// - with --embeddings --pooling mean, a vector; and chat completions still work in every case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompatibleClient } from '../../src/model/openai-compatible-client.js';
import { LLAMA_SERVER_AVAILABLE as AVAILABLE, noteIfSkipped, startLlamaServer, STARTUP_DEADLINE_MS, type LlamaServer } from '../support/llama-server.js';
import { collect, hello, sameModel } from './model-test-helpers.js';

noteIfSkipped();

const SLOW = 120_000;

function withServer(args: string[]): () => OpenAICompatibleClient {
  let server: LlamaServer | undefined;
  let client: OpenAICompatibleClient;
  beforeAll(async () => {
    server = await startLlamaServer(['--chat-template', 'chatml', '-np', '1', ...args], {});
    client = new OpenAICompatibleClient({ baseUrl: `${server.root}/v1`, models: sameModel('tiny'), server: 'auto', timeoutMs: SLOW });
  }, STARTUP_DEADLINE_MS + 30_000);
  afterAll(() => server?.stop(), 30_000);
  return () => client;
}

async function chatStillWorks(client: OpenAICompatibleClient): Promise<void> {
  const chunks = await collect(client.streamChat('thinker', hello, { maxOutputTokens: 4 }));
  expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'length' });
}

describe.skipIf(!AVAILABLE)('a real llama-server and embeddings', () => {
  describe('started without --embeddings', () => {
    const client = withServer([]);
    it('has none, and chat works', async () => {
      expect((await client().health()).embedding).toBeNull();
      expect(client().embeddings()).toBeNull();
      await chatStillWorks(client());
    }, SLOW);
  });

  describe('started with --embeddings --pooling mean', () => {
    const client = withServer(['--embeddings', '--pooling', 'mean']);
    it('its model is found and embeds, and chat still works', async () => {
      const health = await client().health();
      expect(health.embedding).toMatchObject({ origin: 'detected', model: expect.stringMatching(/model\.gguf$/) });
      const [a, b] = await client().embeddings()!.embed(['The user owns a red car.', 'Deploys go to Kubernetes.']);
      expect(a!.length).toBeGreaterThan(0);
      expect(b).toHaveLength(a!.length);
      await chatStillWorks(client());
    }, SLOW);
  });

  describe('started with --embeddings on a chat model (pooling none)', () => {
    const client = withServer(['--embeddings']);
    it('has none it can use (the server refuses OpenAI-style vectors), and chat works', async () => {
      expect((await client().health()).embedding).toBeNull();
      await chatStillWorks(client());
    }, SLOW);
  });
});
