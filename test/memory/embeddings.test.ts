import { describe, expect, it } from 'vitest';
import { lexicalCandidates } from '../../src/memory/candidates.js';
import type { ChatMessage, ChatOptions } from '../../src/model/model-client.js';
import { directive, FakeModelClient, type ChatScript, type StreamScript } from '../support/fake-model-client.js';
import { startTestApp } from '../support/test-app.js';
import { chat, idOf, numberedLines, quietPolicy } from './chat-helpers.js';
import { DISTRACTORS } from './helpers.js';

/** Words of one meaning share a dimension: a tiny stand-in for a real embedding model. */
const CONCEPTS = [['car', 'automobile', 'vehicle', 'drive'], ['spouse', 'wife', 'husband', 'married'], ['anna', 'paris'], ['deploy', 'kubernetes', 'service']];

function vectorOf(text: string): number[] {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  return CONCEPTS.map((group) => words.filter((w) => group.includes(w)).length + 0.01);
}

class EmbeddingFakeModel extends FakeModelClient {
  readonly embedded: string[][] = [];
  readonly embeddingModel = 'fake-embed';
  constructor(
    script: { chat?: Record<string, ChatScript>; stream?: StreamScript },
    private readonly fail = false,
  ) {
    super(script);
  }
  async embed(texts: string[], _options?: { signal?: AbortSignal }): Promise<number[][]> {
    this.embedded.push(texts);
    if (this.fail) throw new Error('404: this server has no /v1/embeddings');
    return texts.map(vectorOf);
  }
}

const answer = [{ type: 'content_delta' as const, delta: 'ok' }];
const judge = (text: string) => (messages: ChatMessage[], _options: ChatOptions) => ({ relevant_ids: [idOf(messages, text)], sufficient_to_answer: false });

describe('embeddings, when the model can embed', () => {
  it('blends semantic and lexical scores: a paraphrase with no shared word is found, and vectors are kept', async () => {
    const model = new EmbeddingFakeModel({ chat: { recall: judge('automobile'), action: directive(), memory_policy: quietPolicy }, stream: answer });
    const t = await startTestApp({ model });
    for (const text of [...DISTRACTORS, 'The user likes jazz.']) await t.post('/v1/memory', { text, scope: 'global' });
    const { id } = (await t.post('/v1/memory', { text: 'The user owns a red automobile.', scope: 'global', memory_type: 'fact' })).json;
    const question = 'Which vehicle do I have? Check the garage files.';
    // Lexically only "user" matches, and a shorter memory wins that.
    expect(lexicalCandidates(t.app.store.memories, { view: { workspace: t.dir } }, question, { limit: 3 })[0]!.memory.text).toBe('The user likes jazz.');
    await chat(t, { message: question, workspace: t.dir });

    expect(numberedLines(model.calls.find((c) => c.role === 'recall')!.messages)[0]).toBe('0: The user owns a red automobile.');
    // Each memory was embedded when it was written; recall embeds only the question.
    expect(model.embedded.find((texts) => texts.includes(question))).toEqual([question]);
    const stored = t.app.store.db.prepare('SELECT model, length(vector) AS bytes FROM memory_vectors WHERE memory_id = ?').get(id);
    expect(stored).toEqual({ model: 'fake-embed', bytes: 4 * CONCEPTS.length });
    // A corrected text drops the old vector; the next recall embeds the new text.
    t.app.store.memories.update(id, { text: 'The user sold the automobile.' });
    expect(t.app.store.db.prepare('SELECT COUNT(*) AS n FROM memory_vectors WHERE memory_id = ?').get(id)).toEqual({ n: 0 });
  });

  it('without embeddings (or when they fail) everything still works lexically', async () => {
    const model = new EmbeddingFakeModel({ chat: { recall: judge('Kubernetes'), action: directive(), memory_policy: quietPolicy }, stream: answer }, true);
    const t = await startTestApp({ model });
    for (const text of DISTRACTORS) await t.post('/v1/memory', { text, scope: 'global' });
    const { events } = await chat(t, { message: 'Where does the billing service deploy to? Check the config.', workspace: t.dir });
    expect(events.map((e) => e.event_type)).toContain('recall_completed');
    expect(numberedLines(model.calls.find((c) => c.role === 'recall')!.messages)[0]).toBe('0: The billing service deploys to Kubernetes.');
    // After a failure embeddings rest for a while instead of failing every turn.
    await chat(t, { message: 'And the search service?', workspace: t.dir });
    expect(model.embedded).toHaveLength(1);
  });
});
