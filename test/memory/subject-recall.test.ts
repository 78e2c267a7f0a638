import { describe, expect, it } from 'vitest';
import { hybridCandidates, lexicalCandidates } from '../../src/memory/candidates.js';
import { backfillVectors, MemoryVectors, type Embedder } from '../../src/memory/embeddings.js';
import { contentStems } from '../../src/memory/text.js';
import { MemoryRepo } from '../../src/store/memory-repo.js';
import type { Store } from '../../src/store/store.js';
import { memory, testStore } from './helpers.js';

const VIEW = { view: { workspace: '/ws' } };
const RELATIONS = ['colleague', 'neighbour', 'brother', 'manager', 'friend', 'cousin'];
const RU_RELATIONS = [
  ['Коллега', 'Коллегу'],
  ['Сосед', 'Соседа'],
  ['Брат', 'Брата'],
  ['Начальник', 'Начальника'],
];

/** A store where the user's fact hides among many shorter copies of it about the people they know. */
function withHardNegatives(fact: string, negative: (relation: string, i: number) => string, copies = 4): { store: Store; factId: string } {
  const store = testStore();
  for (let i = 0; i < copies; i++) for (const r of RELATIONS) store.memories.add(memory(negative(r, i)));
  const factId = store.memories.add(memory(fact)).id;
  for (let i = 0; i < copies; i++) for (const r of RELATIONS) store.memories.add(memory(negative(r, i + copies)));
  return { store, factId };
}

const rankOf = (found: { memory: { id: string } }[], id: string) => found.findIndex((c) => c.memory.id === id);

describe('the asker is the user: hard negatives', () => {
  const companies = ['SAP', 'Bosch', 'Acme Corp', 'Spotify', 'Siemens', 'N26', 'Adyen', 'Zalando'];

  it.each([
    ['Where do I work?', 'The user works as a data engineer at Acme Corp.', (r: string, i: number) => `The user's ${r} works at ${companies[i % companies.length]}.`],
    ['What am I driving these days?', 'The user drives a blue Volvo XC60 bought last spring.', (r: string, i: number) => `The user's ${r} drives a ${['red', 'grey', 'white'][i % 3]} car.`],
    ['What instrument did I say I play?', 'The user plays the cello in an amateur orchestra on Thursdays.', (r: string, i: number) => `The user's ${r} plays the ${['piano', 'violin', 'drums'][i % 3]}.`],
  ])('"%s" ranks the user\'s fact first, above dozens of the same words about others', (question, fact, negative) => {
    const { store, factId } = withHardNegatives(fact, negative);
    // By words alone the shorter copies win: that is what made the fact #65 before.
    store.db.exec("UPDATE memories SET subject = NULL, about = ''");
    expect(rankOf(lexicalCandidates(store.memories, VIEW, question, { limit: 50 }), factId)).not.toBe(0);
    store.db.exec('UPDATE memories SET about = NULL');
    // Subjects read again from the text, as for memories stored before they existed.
    const memories = new MemoryRepo(store.db);
    expect(rankOf(lexicalCandidates(memories, VIEW, question, { limit: 8 }), factId)).toBe(0);
  });

  it('in Russian: "Где я работаю?" finds the user\'s job before the colleague\'s', () => {
    const store = testStore();
    for (const [nom] of RU_RELATIONS) for (const company of ['Сбере', 'Яндексе', 'Озоне']) store.memories.add(memory(`${nom} пользователя работает в ${company}.`));
    const fact = store.memories.add(memory('Пользователь работает аналитиком данных в Сбере уже пять лет.'));
    expect(rankOf(lexicalCandidates(store.memories, VIEW, 'Где я работаю?', { limit: 8 }), fact.id)).toBe(0);
    const wife = store.memories.add(memory('Жену пользователя зовут Анна.'));
    for (const [, acc] of RU_RELATIONS) store.memories.add(memory(`${acc} пользователя зовут Ольга.`));
    expect(rankOf(lexicalCandidates(store.memories, VIEW, 'Как зовут мою жену?', { limit: 8 }), wife.id)).toBe(0);
  });

  it('a question about someone ranks what is known about that person first', () => {
    const store = testStore();
    const own = store.memories.add(memory('The user works as a data engineer at Acme Corp.'));
    for (const r of RELATIONS) store.memories.add(memory(`The user's ${r} works as a nurse at SAP.`));
    const sister = store.memories.add(memory("The user's sister Olga works as a teacher in Munich."));
    const found = lexicalCandidates(store.memories, VIEW, 'Where does my sister work?', { limit: 8 });
    expect(rankOf(found, sister.id)).toBe(0);
    // The user's own job comes before the other people's.
    expect(rankOf(found, own.id)).toBeLessThan(Math.min(...found.filter((c) => /colleague|brother|manager/.test(c.memory.text)).map((c) => rankOf(found, c.memory.id))));
  });

  it('keeps the subject the memory policy named, across an update of the text', () => {
    const store = testStore();
    // Read from the text, "The user's name …" is about a name; the policy says it is about the user.
    const named = store.memories.add(memory("The user's name is Vladimir.", 'global', { subject: 'user' }));
    expect(named.subject).toBe('user');
    const read = store.memories.add(memory("The user's colleague is called Anna."));
    expect(read.subject).toBe("user's colleague");
    const updated = store.memories.update(named.id, { text: "The user's full name is Vladimir Petrov." })!;
    expect(updated.subject).toBe('user');
    expect(store.memories.update(named.id, { subject: "user's son" })!.subject).toBe("user's son");
  });
});

/**
 * A controlled embedder: a bag of concepts from a small thesaurus, so a paraphrase lands near
 * its fact while sharing no word with it. It stands in for a model's vectors.
 */
const CONCEPTS: Record<string, string> = { steak: 'meat', vegetarian: 'meat', meat: 'meat', recip: 'cook', cook: 'cook', dinner: 'cook', spous: 'wife', wife: 'wife', profess: 'job', teach: 'job', work: 'job' };
const DIM = 1024;
const controlled: Embedder = {
  model: 'controlled',
  async embed(texts) {
    return texts.map((text) => {
      const v = new Float32Array(DIM);
      for (const stem of contentStems(text)) {
        const slot = [...(CONCEPTS[stem] ?? stem)].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % DIM, 7);
        v[slot] = v[slot]! + 1;
      }
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  },
};

describe('paraphrases through embeddings', () => {
  it('finds a fact a paraphrase shares no word with, among lexical matches, once memories have vectors', async () => {
    const store = testStore();
    const vegetarian = store.memories.add(memory('The user is vegetarian.', 'global', { subject: 'user' }));
    for (const r of RELATIONS) store.memories.add(memory(`The user's ${r} asked for a recipe for apple pie.`));
    for (const dish of ['pancakes', 'borscht', 'apple pie']) store.memories.add(memory(`The user asked for a recipe for ${dish}.`));
    for (let i = 0; i < 20; i++) store.memories.add(memory(`Reminder ${i}: suggest a book to Tom.`));
    const question = 'Can you suggest a steak recipe for me?';
    expect(rankOf(lexicalCandidates(store.memories, VIEW, question, { limit: 5 }), vegetarian.id)).not.toBe(0);
    // Recall embeds only the question; memories get their vectors after a turn.
    const vectors = new MemoryVectors(store.db);
    expect(await backfillVectors(store.memories, vectors, controlled, VIEW)).toBe(30);
    expect(await backfillVectors(store.memories, vectors, controlled, VIEW)).toBe(0);
    const found = await hybridCandidates(store.memories, controlled, VIEW, question, { limit: 5 });
    expect(rankOf(found, vegetarian.id)).toBe(0);
  });

  it('follows a memory whose text changed: its old vector is no longer used, the new one is', async () => {
    const store = testStore();
    const vectors = new MemoryVectors(store.db);
    const wife = store.memories.add(memory("The user's wife Maria teaches maths.", 'global', { subject: "user's wife Maria" }));
    for (const r of RELATIONS) store.memories.add(memory(`The user's ${r} likes chess.`));
    await backfillVectors(store.memories, vectors, controlled, VIEW);
    const question = "What is my spouse's profession?";
    expect(rankOf(await hybridCandidates(store.memories, controlled, VIEW, question, { limit: 3 }), wife.id)).toBe(0);
    store.memories.update(wife.id, { text: "The user's wife Maria plays chess." });
    const stale = await hybridCandidates(store.memories, controlled, VIEW, question, { limit: 3 });
    expect(stale.find((c) => c.memory.id === wife.id)?.semantic ?? null).toBeNull();
    await backfillVectors(store.memories, vectors, controlled, VIEW);
    const fresh = await hybridCandidates(store.memories, controlled, VIEW, question, { limit: 3 });
    expect(fresh.find((c) => c.memory.id === wife.id)?.semantic).toBeGreaterThan(0.3);
  });
});
