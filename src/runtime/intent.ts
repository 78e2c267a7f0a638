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

/**
 * Things the machine could tell that a question may be about: asking the planner is worth it
 * there even when no action verb appears ("how much disk space is left?").
 */
const SYSTEM_TOPICS = [
  /\b(disk|space|storage|ram|cpu|gpu|memory usage|process(es)?|system|os|kernel|linux|version|installed|package|update|upgrade|network|ip|port|wi-?fi|internet|git|branch|commit|error|log|time|date|today|uptime|battery|user(name)?|home|path|env(ironment)?|config|service|docker|python|node|npm|workspace|project|code)\b/i,
  /(^|[^\p{L}])(диск|мест|памят|процесс|систем|верси|пакет|установлен|обновлен|сет[ьи]|порт|интернет|ветк|коммит|ошибк|лог|врем|дат[аы]|сегодня|пользовател|путь|конфиг|сервис|проект|код)/iu,
];

/** Naming a command ("what does echo print?") is asking about running it. */
const COMMAND_NAMES =
  /\b(echo|ls|cat|head|tail|grep|find|wc|ps|top|df|du|free|uname|whoami|hostname|uptime|which|apt|apt-get|dpkg|snap|brew|pip|npm|npx|yarn|pnpm|cargo|make|cmake|gcc|docker|kubectl|systemctl|journalctl|sudo|curl|wget|ssh|scp|rsync|tar|zip|unzip|chmod|chown|kill|pkill|lsof|netstat|ss|ping)\b/i;

/**
 * True when nothing in the message can need a tool: no action asked for, nothing about the files
 * or the machine. Such a turn skips the planner and answers at once.
 */
export function cannotNeedTools(message: string): boolean {
  return !asksForAction(message) && !SYSTEM_TOPICS.some((re) => re.test(message)) && !COMMAND_NAMES.test(message);
}
