/**
 * Does the message ask ducklm to do something (read, run, change) rather than just answer?
 * Deterministic and cheap: it decides whether a memory question may skip the planner.
 */
const ACTION_WORDS = [
  // English verbs and objects of actions
  /\b(read|open|show|list|run|execute|install|update|upgrade|check|create|make|write|save|delete|remove|rename|move|copy|find|search|grep|analy[sz]e|build|compile|test|fix|edit|change|download|fetch|ping|restart|kill)\b/i,
  /\b(file|files|folder|directory|command|script|repo|repository)\b/i,
  // Russian stems: прочитай, открой, покажи, запусти, выполни, установи, обнови, проверь, создай, запиши, удали, найди, ...
  /(^|[^\p{L}])(прочит|откро|открой|покаж|выведи|запуст|выполн|установ|обнов|провер|созда|запиш|сохран|удал|переимен|перемест|скопир|найд|поищ|проанализ|собер|исправ|измен|скача|перезапуст|файл|папк|каталог|директор|команд|скрипт|репозитор)/iu,
];

/** Paths, file names with extensions and inline code all point at the workspace. */
const WORKSPACE_HINTS = /(`[^`]+`|(^|\s)[~.]?\/\S|\b[\w-]+\.[a-z0-9]{1,5}\b)/i;

export function asksForAction(message: string): boolean {
  return ACTION_WORDS.some((re) => re.test(message)) || WORKSPACE_HINTS.test(message);
}
