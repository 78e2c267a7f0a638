/**
 * The memories with known answers: one fact per topic, in English and Russian, each with
 * questions a person would ask. `forms` questions use other word forms of the fact's words
 * (inflection, first person for "the user"); `paraphrase` questions use other words
 * altogether, which a lexical search can only partly find: they keep the numbers honest.
 *
 * `subject` is whom the memory policy would say a fact is about (default: the user); the bench
 * measures recall both with these and with subjects read from the text alone.
 *
 * `negative(r, p)` writes a hard negative: the same fact about someone the user knows (r: a
 * relation, in English `r.en`, in Russian `r.nom`/`r.acc`/`r.gen`; p: a seeded picker for
 * details), in the same words. `run.mjs` stores many of them beside the fact, so a question in
 * the first person has to tell the user from their colleague. Facts about the user's sister and
 * wife ask the other way round: "What does my sister do?" must find the sister, not the user.
 */
const NAMES = ['Anna', 'Tom', 'Ivan', 'Olga', 'Peter', 'Sara', 'Lukas', 'Vladimir', 'Maria'];
const RU_NAMES = ['Ольга', 'Пётр', 'Ирина', 'Сергей', 'Владимир', 'Анна', 'Дмитрий'];
const day = (p) => 1 + Math.floor(p.random() * 28);
const cap = (s) => s[0].toUpperCase() + s.slice(1);

export const FACTS = [
  // English
  { text: "The user's name is Vladimir.", forms: ["What's my name?", 'Do you remember my name?'], paraphrase: ['What am I called?'] , negative: (r, p) => `The user's ${r.en} is called ${p(NAMES)}.` },
  { text: 'The user lives in Berlin.', forms: ['Where do I live?', 'Which city am I living in?'], paraphrase: ['Where is my home?'] , negative: (r, p) => `The user's ${r.en} lives in ${p(['Berlin', 'Paris', 'Munich', 'Hamburg', 'Vienna'])}.` },
  { text: 'The user works as a data engineer at Zalando.', forms: ['Where do I work?', 'What is my work?'], paraphrase: ["What's my job?"] , negative: (r, p) => `The user's ${r.en} works as a ${p(['data engineer', 'designer', 'nurse', 'teacher'])} at ${p(['Zalando', 'SAP', 'Bosch', 'Spotify'])}.` },
  { text: "The user's wife is called Maria.", subject: "user's wife", forms: ["What's my wife called?", 'Who is my wife?'], paraphrase: ['What is the name of my spouse?'] , negative: (r, p) => `The user's ${r.en}'s wife is called ${p(NAMES)}.` },
  { text: 'The user has a dog named Rex.', forms: ["What's my dog's name?", 'Do I have dogs?'], paraphrase: ['What pet do I have?'] , negative: (r, p) => `The user's ${r.en} has a ${p(['dog', 'cat', 'parrot'])} named ${p(['Rex', 'Luna', 'Max', 'Bella'])}.` },
  { text: 'The user prefers Rust for systems programming.', forms: ['Which language do I prefer for systems programs?', 'What are my programming preferences?'], paraphrase: ['What is my favourite language for low-level code?'] , negative: (r, p) => `The user's ${r.en} prefers ${p(['Rust', 'Go', 'C++', 'Zig'])} for systems programming.` },
  { text: 'The user edits code in Neovim.', forms: ['Which editor do I use to edit code?', 'What do I use for editing?'], paraphrase: ['What is my text editor?'] , negative: (r, p) => `The user's ${r.en} edits code in ${p(['VS Code', 'Emacs', 'Neovim', 'IntelliJ'])}.` },
  { text: 'The user runs Arch Linux on the laptop.', forms: ['What runs on my laptop?', 'Which Linux do I run?'], paraphrase: ['What operating system do I have?'] , negative: (r, p) => `The user's ${r.en} runs ${p(['Ubuntu', 'Fedora', 'Arch Linux', 'Windows 11'])} on the laptop.` },
  { text: 'The user drinks green tea, never coffee.', forms: ['What do I drink?', 'Do I like drinking coffee?'], paraphrase: ['Which beverage should you offer me?'] , negative: (r, p) => `The user's ${r.en} drinks ${p(['black coffee', 'green tea', 'espresso', 'mate'])}, never ${p(['tea', 'coffee', 'juice'])}.` },
  { text: "The user's birthday is on March 14.", forms: ['When is my birthday?', 'What date are my birthdays?'], paraphrase: ['When was I born?'] , negative: (r, p) => `The user's ${r.en}'s birthday is on ${p(['March', 'May', 'June', 'October'])} ${day(p)}.` },
  { text: 'The user is allergic to peanuts.', forms: ['What am I allergic to?', 'Do I have allergies?'], paraphrase: ['Which food must I avoid?'] , negative: (r, p) => `The user's ${r.en} is allergic to ${p(['cats', 'pollen', 'shellfish', 'peanuts'])}.` },
  { text: 'The project deploys to Fly.io with flyctl deploy.', subject: 'the project', forms: ['How do we deploy the project?', 'Where is the project deployed?'], paraphrase: ['How do I ship this app to production?'] },
  { text: 'The project uses pnpm, not npm.', subject: 'the project', forms: ['Which package manager does the project use?', 'Do we use npm here?'], paraphrase: ['How do I install dependencies?'] },
  { text: 'Tests in this project run with make check.', subject: 'the project', forms: ['How do I run the tests?', 'Which command runs the project tests?'], paraphrase: ['How do I verify my changes?'] },
  { text: 'The project database is PostgreSQL 16.', subject: 'the project', forms: ['Which database does the project use?', 'What postgres version do we have?'], paraphrase: ['Where is the data stored?'] },
  { text: 'The user indents with tabs, never spaces.', forms: ['Tabs or spaces for indentation?', 'How do I indent?'], paraphrase: ['What whitespace style should code have?'] },
  { text: 'Commit messages follow Conventional Commits.', subject: 'the project', forms: ['How should commit messages look?', 'What convention do my commits follow?'], paraphrase: ['How do I write a git log entry?'] },
  { text: "The user's timezone is Europe/Berlin.", forms: ['What timezone am I in?', 'Which time zone is mine?'], paraphrase: ['What time is it for me?'] , negative: (r, p) => `The user's ${r.en}'s timezone is ${p(['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Europe/Berlin'])}.` },
  { text: 'The user plays chess on Sunday evenings.', forms: ['When do I play chess?', 'What do I play on Sundays?'], paraphrase: ['What are my hobbies?'] , negative: (r, p) => `The user's ${r.en} plays ${p(['chess', 'tennis', 'poker', 'football'])} on Sunday evenings.` },
  { text: 'The user drives a blue Volvo.', forms: ['What car do I drive?', 'Which Volvo is mine?', 'What am I driving these days?'], paraphrase: ['What vehicle do I own?'] , negative: (r, p) => `The user's ${r.en} drives a ${p(['blue', 'red', 'black', 'white'])} ${p(['Volvo', 'Toyota', 'Skoda', 'BMW'])}.` },
  { text: 'The user plays the cello in an amateur orchestra.', forms: ['What instrument did I say I play?', 'Do I play in an orchestra?'], paraphrase: ['What music do I make?'], negative: (r, p) => `The user's ${r.en} plays the ${p(['piano', 'violin', 'guitar', 'cello', 'drums'])}.` },
  // About someone else: the user's own facts with the same words are the hard negatives here.
  { text: "The user's sister Olga works as a nurse in Munich.", subject: "user's sister Olga", forms: ['Where does my sister work?', 'Where does my sister Olga work?'], paraphrase: ['What does my sister do?', "What is my sibling's job?"] },
  { text: "The user's wife Maria teaches maths at a school.", subject: "user's wife Maria", forms: ['What does my wife teach?', 'Does my wife Maria teach maths?'], paraphrase: ['Where does my wife work?', "What is my spouse's profession?"] },
  // Russian
  { text: 'Пользователя зовут Владимир.', forms: ['Как меня зовут?', 'Напомни, как зовут пользователя.'], paraphrase: ['Какое у меня имя?'] , negative: (r, p) => `${cap(r.acc)} пользователя зовут ${p(RU_NAMES)}.` },
  { text: 'Пользователь живёт в Казани.', forms: ['Где я живу?', 'В каком городе живёт пользователь?'], paraphrase: ['Откуда я?'] , negative: (r, p) => `${cap(r.nom)} пользователя живёт в ${p(['Казани', 'Москве', 'Самаре', 'Перми'])}.` },
  { text: 'Пользователь работает аналитиком в Сбере.', forms: ['Где я работаю?', 'Кем работает пользователь?'], paraphrase: ['Какая у меня профессия?'] , negative: (r, p) => `${cap(r.nom)} пользователя работает ${p(['аналитиком', 'врачом', 'юристом', 'учителем'])} в ${p(['Сбере', 'Яндексе', 'Озоне', 'МТС'])}.` },
  { text: 'Жену пользователя зовут Анна.', subject: 'жена пользователя', forms: ['Как зовут мою жену?', 'Кто моя жена?'], paraphrase: ['Как имя моей супруги?'] },
  { text: 'У пользователя есть кошка по кличке Муся.', forms: ['Как зовут мою кошку?', 'Какая кличка у моей кошки?'], paraphrase: ['Какой у меня питомец?'] , negative: (r, p) => `У ${r.gen} пользователя есть ${p(['кошка', 'собака', 'попугай'])} по кличке ${p(['Муся', 'Барсик', 'Шарик', 'Кеша'])}.` },
  { text: 'Пользователь предпочитает тёмную тему оформления.', forms: ['Какую тему оформления я предпочитаю?', 'Тёмная или светлая тема?'], paraphrase: ['Какие цвета интерфейса мне нравятся?'] , negative: (r, p) => `${cap(r.nom)} пользователя предпочитает ${p(['светлую', 'тёмную', 'синюю'])} тему оформления.` },
  { text: 'Пользователь пишет код в VS Code.', forms: ['В каком редакторе я пишу код?', 'Где пользователь пишет код?'], paraphrase: ['Какой у меня редактор?'] , negative: (r, p) => `${cap(r.nom)} пользователя пишет код в ${p(['Vim', 'Emacs', 'VS Code', 'PyCharm'])}.` },
  { text: 'Пользователь пьёт только чай без сахара.', forms: ['Что я пью?', 'Пью ли я чай с сахаром?'], paraphrase: ['Какой напиток мне предложить?'] , negative: (r, p) => `${cap(r.nom)} пользователя пьёт только ${p(['кофе', 'чай', 'какао', 'морс'])} ${p(['без сахара', 'с сахаром', 'с молоком'])}.` },
  { text: 'День рождения пользователя — 2 августа.', forms: ['Когда мой день рождения?', 'Какого числа у меня день рождения?'], paraphrase: ['Когда я родился?'] , negative: (r, p) => `День рождения ${r.gen} пользователя — ${day(p)} ${p(['августа', 'мая', 'июня', 'марта'])}.` },
  { text: 'У пользователя аллергия на орехи.', forms: ['На что у меня аллергия?', 'Есть ли у пользователя аллергии?'], paraphrase: ['Что мне нельзя есть?'] , negative: (r, p) => `У ${r.gen} пользователя аллергия на ${p(['кошек', 'пыльцу', 'мёд', 'орехи'])}.` },
  { text: 'Проект собирается командой make release.', subject: 'проект', forms: ['Как собрать проект?', 'Какой командой собирается проект?'], paraphrase: ['Как сделать релизную сборку?'] },
  { text: 'В проекте используется база данных ClickHouse.', subject: 'проект', forms: ['Какую базу данных использует проект?', 'Какие базы данных в проекте?'], paraphrase: ['Где хранятся данные?'] },
  { text: 'Пользователь просит отвечать коротко и по делу.', forms: ['Как мне отвечать?', 'Какие ответы я прошу?'], paraphrase: ['Какой стиль общения мне нравится?'] },
  { text: 'Пользователь играет на гитаре по выходным.', forms: ['На чём я играю?', 'Когда пользователь играет на гитаре?'], paraphrase: ['Какое у меня хобби?'] , negative: (r, p) => `${cap(r.nom)} пользователя играет на ${p(['скрипке', 'пианино', 'гитаре', 'барабанах'])} по выходным.` },
  { text: 'Сына пользователя зовут Миша, ему семь лет.', subject: 'сын пользователя', forms: ['Как зовут моего сына?', 'Сколько лет сыну?'], paraphrase: ['Кто мой ребёнок?'] },
  { text: 'Пользователь ездит на работу на велосипеде.', forms: ['На чём я езжу на работу?', 'Как пользователь добирается до работы?'], paraphrase: ['Какой у меня транспорт?'] , negative: (r, p) => `${cap(r.nom)} пользователя ездит на работу на ${p(['метро', 'машине', 'велосипеде', 'автобусе'])}.` },
  { text: 'Пользователь родом из Новосибирска.', forms: ['Откуда родом пользователь?', 'Из какого я города родом?'], paraphrase: ['Где я вырос?'] , negative: (r, p) => `${cap(r.nom)} пользователя родом из ${p(['Омска', 'Томска', 'Новосибирска', 'Тулы'])}.` },
  { text: 'Пользователь изучает японский язык.', forms: ['Какой язык я изучаю?', 'Что изучает пользователь?'], paraphrase: ['Чему я сейчас учусь?'] , negative: (r, p) => `${cap(r.nom)} пользователя изучает ${p(['немецкий', 'японский', 'испанский', 'китайский'])} язык.` },
  { text: 'Сервер пользователя работает на Debian 12.', forms: ['Какая система на моём сервере?', 'На чём работают серверы пользователя?'], paraphrase: ['Какая ОС на машине в облаке?'] },
  { text: 'Пользователь не ест мясо, он вегетарианец.', forms: ['Ем ли я мясо?', 'Какое мясо ест пользователь?'], paraphrase: ['Что мне приготовить на ужин?'] },
  { text: 'Сестра пользователя работает врачом в Самаре.', subject: 'сестра пользователя', forms: ['Кем работает моя сестра?', 'Где работает сестра пользователя?'], paraphrase: ['Какая профессия у моей сестры?'] },
  { text: 'Жена пользователя преподаёт физику в школе.', subject: 'жена пользователя', forms: ['Что преподаёт моя жена?', 'Преподаёт ли моя жена физику?'], paraphrase: ['Где работает моя жена?', 'Чем занимается моя супруга?'] },
];

/** Whom the hard negatives are about: never the sister or wife, whose facts the bench asks for. */
export const RELATIONS = [
  { en: 'colleague', nom: 'коллега', acc: 'коллегу', gen: 'коллеги' },
  { en: 'neighbour', nom: 'сосед', acc: 'соседа', gen: 'соседа' },
  { en: 'brother', nom: 'брат', acc: 'брата', gen: 'брата' },
  { en: 'manager', nom: 'начальник', acc: 'начальника', gen: 'начальника' },
  { en: 'friend', nom: 'друг', acc: 'друга', gen: 'друга' },
  { en: 'cousin', nom: 'кузен', acc: 'кузена', gen: 'кузена' },
];

