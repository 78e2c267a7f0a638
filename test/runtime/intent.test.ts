import { describe, expect, it } from 'vitest';
import { asksForAction } from '../../src/runtime/intent.js';

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
