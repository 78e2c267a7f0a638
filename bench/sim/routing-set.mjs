/**
 * The labelled messages the simulated model knows, the memories stored for them and the workspace
 * they are asked in. Labels: 'tool' (needs a tool: the oracle's planner asks for `tool` with
 * `args`), 'memory' (a stored memory answers it: `memory`), 'neither' (greetings, small talk,
 * general knowledge, jokes).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

const read = (path) => ({ tool: 'file_read', args: { path } });
const list = (path = '.') => ({ tool: 'list_dir', args: { path } });
const run = (command) => ({ tool: 'shell_exec_safe', args: { command } });

export const README_FIRST_LINE = '# Duckpond: a small demo project for the ducklm bench';

export const WORKSPACE_FILES = {
  'README.md': `${README_FIRST_LINE}

Duckpond keeps a list of ponds and the ducks that visit them. It is a small Python program
with a Makefile for the usual chores, and a notes file where its author writes down what is
left to do.

## Running

Install Python 3.11 or newer, then run \`make run\`. The program reads ponds.csv from the
current folder and prints, for each pond, the ducks seen there in the last thirty days and
the busiest hour of the day.

## Tests

\`make test\` runs the unit tests with pytest. \`make lint\` checks the style with ruff.

## Layout

- src/duckpond.py: reading the data and counting visits
- src/report.py: printing the summary table
- tests/: unit tests, one file per module

## License

MIT. Ducks are not included.
`,
  Makefile: `.PHONY: run test lint\n\nrun:\n\tpython3 src/duckpond.py ponds.csv\n\ntest:\n\tpython3 -m pytest tests\n\nlint:\n\truff check src tests\n`,
  'notes.md': `# Notes\n\n- Buy duck food before Friday\n- Ask the vet about the limping mallard\n- Move the CSV parsing into its own module\n`,
  'src/duckpond.py': `import csv\nimport sys\n\n\ndef main(path):\n    with open(path) as f:\n        for row in csv.reader(f):\n            print(row)\n\n\nif __name__ == "__main__":\n    main(sys.argv[1])\n`,
  'ponds.csv': 'pond,duck,seen\nnorth,mallard,2026-11-30\n',
};

/** Creates the workspace: the files, a git repository when git is there, and one uncommitted change. */
export function createWorkspace(dir) {
  for (const [name, text] of Object.entries(WORKSPACE_FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  try {
    const git = (...args) => execFileSync('git', ['-c', 'user.email=bench@example.invalid', '-c', 'user.name=bench', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'First version of duckpond');
  } catch {
    // No git: "Any uncommitted changes?" still needs the planner; its command just fails.
  }
  appendFileSync(join(dir, 'notes.md'), '- Write the README section about reports\n');
}

/** Stored (global scope) before the routing set and the scenarios run. */
export const MEMORIES = {
  name: "The user's name is Vladimir.",
  tabs: 'The user indents with tabs, never spaces.',
  editor: "The user's favourite editor is Neovim.",
  city: 'The user lives in Lyon.',
  cat: 'The user has a cat named Miso.',
  laptop: "The user's laptop is a ThinkPad X1 Carbon.",
  allergy: 'The user is allergic to peanuts.',
  coffee: "L'utilisateur boit son café noir, sans sucre.",
  birthday: 'El cumpleaños del usuario es el 3 de mayo.',
  cello: 'Der Benutzer spielt Cello in einem Laienorchester.',
  team: "La squadra preferita dell'utente è il Torino.",
  bike: 'O utilizador tem uma bicicleta azul.',
  colour: '用户最喜欢的颜色是绿色。',
  jogging: 'ユーザーは毎朝ジョギングをします。',
  language: 'Користувач вивчає японську мову.',
  job: 'Пользователь работает программистом в банке.',
};

const tool = (lang, text, call) => ({ lang, text, label: 'tool', ...call });
const mem = (lang, text, memory) => ({ lang, text, label: 'memory', memory });
const neither = (lang, text, answer) => ({ lang, text, label: 'neither', ...(answer ? { answer } : {}) });

/** The scenarios' own messages (also part of the routing set). */
export const SCENARIO_MESSAGES = {
  hello: 'hello',
  name: 'What is my name?',
  readme: 'Summarize the README',
  thanks: "Thanks, that's all for now.",
};

export const ROUTING_SET = [
  // needs a tool
  tool('en', SCENARIO_MESSAGES.readme, read('README.md')),
  tool('en', "What's in my notes?", read('notes.md')),
  tool('en', 'Tell me about Makefile', read('Makefile')),
  tool('en', 'Is nginx running?', run('systemctl status nginx')),
  tool('en', 'Any uncommitted changes?', run('git status')),
  tool('en', 'Who is logged in on this machine?', run('who')),
  { ...tool('en', 'Based on what you know about my indentation preference, reformat the Makefile', read('Makefile')), memory: MEMORIES.tabs },
  tool('en', 'How long has this computer been up?', run('uptime')),
  tool('en', 'Which processes are running right now?', run('ps aux')),
  tool('fr', "Qu'y a-t-il dans ce dossier ?", list('.')),
  tool('fr', 'Peux-tu me résumer le fichier des notes ?', read('notes.md')),
  tool('fr', 'Combien de mémoire vive reste-t-il ?', run('free -h')),
  tool('es', '¿Cuánto espacio libre queda en el disco?', run('df -h')),
  tool('es', '¿Qué hay en el Makefile?', read('Makefile')),
  tool('es', '¿Hay cambios sin confirmar en el repositorio?', run('git status')),
  tool('de', 'Was steht in meinen Notizen?', read('notes.md')),
  tool('de', 'Welche Dateien liegen in diesem Ordner?', list('.')),
  tool('de', 'Wie lange läuft der Rechner schon?', run('uptime')),
  tool('it', "Cosa c'è nel README?", read('README.md')),
  tool('it', "Quanto spazio libero c'è sul disco?", run('df -h')),
  tool('pt', 'O que há nesta pasta?', list('.')),
  tool('pt', 'Quais foram os últimos commits?', run('git log --oneline -5')),
  tool('zh', '这个文件夹里有什么？', list('.')),
  tool('zh', '磁盘还剩多少空间？', run('df -h')),
  tool('zh', '帮我看看 README 写了什么', read('README.md')),
  tool('ja', 'このフォルダには何がありますか？', list('.')),
  tool('ja', 'メモの内容を見せて', read('notes.md')),
  tool('ja', 'nginx は動いていますか？', run('systemctl status nginx')),
  tool('uk', 'Що в моїх нотатках?', read('notes.md')),
  tool('uk', 'Скільки вільного місця на диску?', run('df -h')),
  tool('ru', 'Что лежит в этой папке?', list('.')),
  tool('ru', 'Есть ли незакоммиченные изменения?', run('git status')),
  tool('ru', 'Кто сейчас залогинен на этой машине?', run('who')),
  // a stored memory answers it
  mem('en', SCENARIO_MESSAGES.name, MEMORIES.name),
  mem('en', 'Which editor do I like best?', MEMORIES.editor),
  mem('en', 'Where do I live?', MEMORIES.city),
  mem('en', 'What is my cat called?', MEMORIES.cat),
  mem('en', 'Am I allergic to anything?', MEMORIES.allergy),
  mem('en', 'What laptop do I have?', MEMORIES.laptop),
  mem('fr', 'Comment est-ce que je prends mon café ?', MEMORIES.coffee),
  mem('es', '¿Cuándo es mi cumpleaños?', MEMORIES.birthday),
  mem('de', 'Welches Instrument spiele ich?', MEMORIES.cello),
  mem('de', 'Wie heiße ich?', MEMORIES.name),
  mem('it', 'Qual è la mia squadra preferita?', MEMORIES.team),
  mem('pt', 'De que cor é a minha bicicleta?', MEMORIES.bike),
  mem('zh', '我最喜欢什么颜色？', MEMORIES.colour),
  mem('ja', '私は毎朝何をしていますか？', MEMORIES.jogging),
  mem('uk', 'Яку мову я вивчаю?', MEMORIES.language),
  mem('ru', 'Кем я работаю?', MEMORIES.job),
  // neither
  neither('en', SCENARIO_MESSAGES.hello, 'Hello! How can I help you today?'),
  neither('en', SCENARIO_MESSAGES.thanks, 'You are welcome! Have a good day.'),
  neither('en', 'Good morning!'),
  neither('en', 'Tell me a joke about ducks.'),
  neither('en', 'What is the capital of Australia?', 'The capital of Australia is Canberra.'),
  neither('en', 'How do you say thank you in Japanese?'),
  neither('fr', 'Bonjour, comment ça va ?'),
  neither('fr', 'Raconte-moi une blague.'),
  neither('es', 'Hola, ¿qué tal?'),
  neither('es', '¿Por qué el cielo es azul?'),
  neither('de', 'Guten Abend!'),
  neither('de', 'Erzähl mir einen Witz.'),
  neither('it', 'Ciao, come stai?'),
  neither('it', 'Chi ha dipinto la Gioconda?'),
  neither('pt', 'Bom dia! Tudo bem?'),
  neither('pt', 'Qual é a montanha mais alta do mundo?'),
  neither('zh', '你好！'),
  neither('zh', '给我讲个笑话吧。'),
  neither('ja', 'こんにちは！'),
  neither('ja', '日本の首都はどこですか？'),
  neither('uk', 'Привіт! Як справи?'),
  neither('ru', 'Привет, как дела?'),
  neither('ru', 'Сколько будет семью восемь?'),
];

/**
 * The oracle finds the current message by containment, so no known message may sit inside
 * another one, a memory or a workspace file: that would make it answer for the wrong message.
 */
export function checkRoutingSet(entries = ROUTING_SET) {
  const texts = entries.map((e) => e.text);
  const others = [...Object.values(MEMORIES), ...Object.values(WORKSPACE_FILES), ...Object.keys(WORKSPACE_FILES)];
  const clashes = [];
  for (const t of texts) {
    for (const u of texts) if (t !== u && u.includes(t)) clashes.push(`"${t}" inside "${u}"`);
    for (const o of others) if (o.includes(t)) clashes.push(`"${t}" inside a memory or file`);
  }
  if (new Set(texts).size !== texts.length) clashes.push('a message appears twice');
  if (clashes.length) throw new Error(`routing set: ${clashes.join('; ')}`);
  return entries;
}
