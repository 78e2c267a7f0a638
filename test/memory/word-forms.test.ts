import { describe, expect, it } from 'vitest';
import { lexicalCandidates } from '../../src/memory/candidates.js';
import { contentStems, stemmedText, stemWord } from '../../src/memory/text.js';
import { DISTRACTORS, memory, testStore } from './helpers.js';

const VIEW = { view: { workspace: '/ws' } };

describe('word forms: stemming, stop words, first person', () => {
  it('stems each word by its script, English and Russian', () => {
    expect(['name', 'names', 'named'].map(stemWord)).toEqual(['name', 'name', 'name']);
    expect(['проект', 'проекта', 'проектом'].map(stemWord)).toEqual(['проект', 'проект', 'проект']);
    // Snowball leaves "-ет" after a consonant; our trim makes the first and third person meet.
    expect(stemWord('живёт'.replace('ё', 'е'))).toBe(stemWord('живу'));
    expect(stemWord('пишет')).toBe(stemWord('пишу'));
    expect(stemWord('42')).toBe('42');
  });

  it('drops question words and maps the first person to the user', () => {
    expect(contentStems("What's my name?")).toEqual(['user', 'name']);
    expect(contentStems('Как меня зовут?')).toEqual(contentStems('Пользователя зовут').slice(0, 2));
    expect(stemmedText("The user's name is Vladimir.")).toBe('user name vladimir');
  });

  it.each([
    ['Как меня зовут?', 'Пользователя зовут Владимир.'],
    ["What's my name?", "The user's name is Vladimir."],
    ['Где я живу?', 'Пользователь живёт в Казани.'],
    ['Which city am I living in?', 'The user lives in Berlin.'],
    ['Как зовут мою кошку?', 'У пользователя есть кошка по кличке Муся.'],
    ['Which package managers does the project use?', 'The project uses pnpm, not npm.'],
  ])('"%s" finds "%s" first among distractors', (question, fact) => {
    const store = testStore();
    for (const text of DISTRACTORS) store.memories.add(memory(text));
    const wanted = store.memories.add(memory(fact));
    for (const text of ['Пользователя зовут Владимир.', "The user's name is Vladimir.", 'The user lives in Berlin.'].filter((t) => t !== fact)) store.memories.add(memory(text));
    const found = lexicalCandidates(store.memories, VIEW, question, { limit: 5 });
    expect(found[0]?.memory.id).toBe(wanted.id);
  });

  it('the trigram index finds what stems miss, like "postgres" in "PostgreSQL"', () => {
    const store = testStore();
    for (const text of DISTRACTORS) store.memories.add(memory(text));
    const wanted = store.memories.add(memory('The project database is PostgreSQL 16.'));
    expect(lexicalCandidates(store.memories, VIEW, 'postgres version?', { limit: 5 })[0]?.memory.id).toBe(wanted.id);
  });

  it('ranks the same match higher in the narrower scope, then by importance', () => {
    const store = testStore();
    const global = store.memories.add(memory('The user prefers dark mode.'));
    const local = store.memories.add(memory('The user prefers dark mode.', 'workspace', { workspace: '/ws' }));
    const found = lexicalCandidates(store.memories, VIEW, 'dark mode?', { limit: 5 }).map((c) => c.memory.id);
    expect(found).toEqual([local.id, global.id]);
    store.memories.update(global.id, { importance: 1 });
    store.memories.update(local.id, { importance: 0 });
    expect(lexicalCandidates(store.memories, VIEW, 'dark mode?', { limit: 5 })[0]!.memory.id).toBe(global.id);
  });

  it('keeps working on a large store, where common stems are handled apart', () => {
    const store = testStore();
    store.db.transaction(() => {
      for (let i = 0; i < 6000; i++) store.memories.add(memory(`The user's friend number ${i} lives in city ${i % 50}.`));
    })();
    const wanted = store.memories.add(memory("The user's dog is named Rex."));
    expect(lexicalCandidates(store.memories, VIEW, "What's my dog called?", { limit: 5 })[0]?.memory.id).toBe(wanted.id);
    expect(lexicalCandidates(store.memories, VIEW, 'Where do I live?', { limit: 5 })).toHaveLength(5);
  });
});
