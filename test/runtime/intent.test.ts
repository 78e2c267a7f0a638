import { describe, expect, it } from 'vitest';
import { asksForAction, cannotNeedTools } from '../../src/runtime/intent.js';

describe('does a message ask for an action?', () => {
  it.each(['Как меня зовут? Ответь коротко.', "What's my name?", 'Where do I work?', 'Какой у меня любимый цвет?', 'remind me what I prefer for breakfast'])(
    'a plain question: %s',
    (message) => expect(asksForAction(message)).toBe(false),
  );

  it.each(['read note.txt', 'Прочитай файл notes.md', 'run uname', 'запусти тесты', 'list the folder src/', 'покажи содержимое каталога', 'what is in `package.json`?', 'check for updates'])(
    'an action: %s',
    (message) => expect(asksForAction(message)).toBe(true),
  );
});

describe('can a message need a tool at all?', () => {
  it.each(['hello', 'Привет!', 'thanks a lot', 'What is my name?', 'tell me a joke', 'Как дела?'])('no: %s', (message) => expect(cannotNeedTools(message)).toBe(true));
  it.each(['how much disk space is left?', 'Сколько места на диске?', 'what time is it', 'which git branch am I on', 'read note.txt', 'what python version do I have'])(
    'maybe: %s',
    (message) => expect(cannotNeedTools(message)).toBe(false),
  );
});

describe('naming a command counts as possibly needing it', () => {
  it.each(['what does echo say?', 'is docker running', 'what would ls show'])('%s', (message) => expect(cannotNeedTools(message)).toBe(false));
});
