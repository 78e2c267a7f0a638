import { describe, expect, it } from 'vitest';
import { subjectOfMemory, subjectOfPhrase, subjectOfQuestion, subjectRelation } from '../../src/memory/subject.js';
import { stemWord } from '../../src/memory/text.js';

const own = (...words: string[]) => words.map((w) => stemWord(w.toLowerCase()));

describe('whom a memory is about, read from its text', () => {
  it.each([
    ['The user works as a data engineer at Acme Corp.', { self: true, own: [] }, 'user'],
    ['The user lives in Berlin.', { self: true, own: [] }, 'user'],
    ["The user's colleague works as a data engineer at Acme Corp.", { self: false, own: own('colleague') }, "user's colleague"],
    ["The user's colleague Anna lives in Paris.", { self: false, own: own('colleague', 'anna') }, "user's colleague Anna"],
    ['Anna, a colleague of the user, works as a nurse at SAP.', { self: false, own: own('colleague') }, "user's colleague"],
    ["The user's brother's wife is called Eva.", { self: false, own: own('brother') }, "user's brother"],
    ['День рождения коллеги пользователя — 5 мая.', { self: false, own: own('коллеги') }, 'коллеги пользователя'],
    ['Tom has a dog named Luna.', { self: false, own: own('tom') }, 'Tom'],
    ['The billing service deploys to Kubernetes.', { self: false, own: own('billing') }, 'billing'],
    ['Пользователь работает аналитиком в Сбере.', { self: true, own: [] }, 'user'],
    ['Пользователя зовут Владимир.', { self: true, own: [] }, 'user'],
    ['У пользователя аллергия на орехи.', { self: true, own: [] }, 'user'],
    ['Жену пользователя зовут Анна.', { self: false, own: own('жену') }, 'Жену пользователя'],
    ['У сестры пользователя есть кошка по кличке Муся.', { self: false, own: own('сестры') }, 'сестры пользователя'],
    ['Ольга играет на скрипке по выходным.', { self: false, own: own('ольга') }, 'Ольга'],
  ])('%s', (text, subject, phrase) => {
    const found = subjectOfMemory(text);
    expect({ self: found.self, own: found.own }).toEqual(subject);
    expect(found.phrase).toBe(phrase);
  });
});

describe('whom a question asks about', () => {
  it.each([
    ['Where do I work?', { self: true, own: [] }],
    ['What am I driving these days?', { self: true, own: [] }],
    ["What's my name?", { self: false, own: own('name') }],
    ['What does my sister do?', { self: false, own: own('sister') }],
    ["What's my dog's name?", { self: false, own: own('dog') }],
    ['Когда мой день рождения?', { self: false, own: own('день', 'рождения') }],
    ['Where does Anna live?', { self: false, own: own('anna') }],
    ["When is Anna's birthday?", { self: false, own: own('anna') }],
    ['Где я работаю?', { self: true, own: [] }],
    ['Как зовут мою жену?', { self: false, own: own('жену') }],
    ['Какая система на моём сервере?', { self: false, own: own('сервере') }],
  ])('%s', (text, subject) => {
    expect(subjectOfQuestion(text)).toMatchObject(subject);
  });

  it('names nobody when nobody is named, so ranking stays lexical', () => {
    expect(subjectOfQuestion('Which database does the project use?')).toBeNull();
    expect(subjectOfQuestion('Какую базу данных использует проект?')).toBeNull();
  });
});

describe('subjects the memory policy names', () => {
  it('reads a phrase the same way as text', () => {
    expect(subjectOfPhrase('user')).toMatchObject({ self: true, own: [] });
    expect(subjectOfPhrase("the user's sister Olga")).toMatchObject({ self: false, own: own('sister', 'olga') });
    expect(subjectOfPhrase('сестра пользователя')).toMatchObject({ self: false, own: own('сестра') });
  });
});

describe('how a memory relates to a question', () => {
  const q = (text: string) => subjectOfQuestion(text);
  const m = (text: string) => subjectOfMemory(text);

  it('puts the user first for a first-person question, and the person asked about for a question about someone', () => {
    expect(subjectRelation(q('Where do I work?'), m('The user works at Acme.'))).toBe('same');
    expect(subjectRelation(q('Where do I work?'), m("The user's colleague works at Acme."))).toBe('other');
    expect(subjectRelation(q('What does my sister do?'), m("The user's sister Olga is a nurse."))).toBe('same');
    expect(subjectRelation(q('What does my sister do?'), m("The user's brother is a nurse."))).toBe('other');
    // "my name" is the user's own, "my sister" someone else: grammar cannot tell, so the user's facts stay neutral.
    expect(subjectRelation(q('What does my sister do?'), m('The user is a nurse.'))).toBe('neutral');
    expect(subjectRelation(q('Where does Anna live?'), m("The user's colleague Anna lives in Paris."))).toBe('same');
    expect(subjectRelation(q('Where does Anna live?'), m('Tom lives in Paris.'))).toBe('other');
    // A memory the user is not in shares a word by chance: "День рождения коллеги —" is nobody's of the user's.
    expect(subjectRelation(q('Когда мой день рождения?'), m('День рождения коллеги — 5 мая.'))).toBe('neutral');
    expect(subjectRelation(q("What's my name?"), m("The user's colleague is called Anna."))).toBe('other');
    expect(subjectRelation(q('Как меня зовут?'), m('Пользователя зовут Владимир.'))).toBe('same');
    expect(subjectRelation(q('Как зовут мою жену?'), m('Жену пользователя зовут Анна.'))).toBe('same');
    expect(subjectRelation(q('Как зовут мою жену?'), m('Брата пользователя зовут Сергей.'))).toBe('other');
  });

  it('lets an attribute of the user answer a first-person question', () => {
    // "День рождения пользователя" reads as about a birthday, yet it is the user's.
    expect(subjectRelation(q('Какого числа у меня день рождения?'), m('День рождения пользователя — 2 августа.'))).toBe('neutral');
    expect(subjectRelation(q('Когда мой день рождения?'), m('День рождения пользователя — 2 августа.'))).toBe('same');
  });

  it('is neutral when the question names no one', () => {
    expect(subjectRelation(q('Which database does the project use?'), m('Anna prefers Go.'))).toBe('neutral');
  });
});
