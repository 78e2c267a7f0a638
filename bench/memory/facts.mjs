/**
 * The memories with known answers: one fact per topic, in English and Russian, each with
 * questions a person would ask. `forms` questions use other word forms of the fact's words
 * (inflection, first person for "the user"); `paraphrase` questions use other words
 * altogether, which a lexical search can only partly find: they keep the numbers honest.
 */
export const FACTS = [
  // English
  { text: "The user's name is Vladimir.", forms: ["What's my name?", 'Do you remember my name?'], paraphrase: ['What am I called?'] },
  { text: 'The user lives in Berlin.', forms: ['Where do I live?', 'Which city am I living in?'], paraphrase: ['Where is my home?'] },
  { text: 'The user works as a data engineer at Zalando.', forms: ['Where do I work?', 'What is my work?'], paraphrase: ["What's my job?"] },
  { text: "The user's wife is called Maria.", forms: ["What's my wife called?", 'Who is my wife?'], paraphrase: ['What is the name of my spouse?'] },
  { text: 'The user has a dog named Rex.', forms: ["What's my dog's name?", 'Do I have dogs?'], paraphrase: ['What pet do I have?'] },
  { text: 'The user prefers Rust for systems programming.', forms: ['Which language do I prefer for systems programs?', 'What are my programming preferences?'], paraphrase: ['What is my favourite language for low-level code?'] },
  { text: 'The user edits code in Neovim.', forms: ['Which editor do I use to edit code?', 'What do I use for editing?'], paraphrase: ['What is my text editor?'] },
  { text: 'The user runs Arch Linux on the laptop.', forms: ['What runs on my laptop?', 'Which Linux do I run?'], paraphrase: ['What operating system do I have?'] },
  { text: 'The user drinks green tea, never coffee.', forms: ['What do I drink?', 'Do I like drinking coffee?'], paraphrase: ['Which beverage should you offer me?'] },
  { text: "The user's birthday is on March 14.", forms: ['When is my birthday?', 'What date are my birthdays?'], paraphrase: ['When was I born?'] },
  { text: 'The user is allergic to peanuts.', forms: ['What am I allergic to?', 'Do I have allergies?'], paraphrase: ['Which food must I avoid?'] },
  { text: 'The project deploys to Fly.io with flyctl deploy.', forms: ['How do we deploy the project?', 'Where is the project deployed?'], paraphrase: ['How do I ship this app to production?'] },
  { text: 'The project uses pnpm, not npm.', forms: ['Which package manager does the project use?', 'Do we use npm here?'], paraphrase: ['How do I install dependencies?'] },
  { text: 'Tests in this project run with make check.', forms: ['How do I run the tests?', 'Which command runs the project tests?'], paraphrase: ['How do I verify my changes?'] },
  { text: 'The project database is PostgreSQL 16.', forms: ['Which database does the project use?', 'What postgres version do we have?'], paraphrase: ['Where is the data stored?'] },
  { text: 'The user indents with tabs, never spaces.', forms: ['Tabs or spaces for indentation?', 'How do I indent?'], paraphrase: ['What whitespace style should code have?'] },
  { text: 'Commit messages follow Conventional Commits.', forms: ['How should commit messages look?', 'What convention do my commits follow?'], paraphrase: ['How do I write a git log entry?'] },
  { text: "The user's timezone is Europe/Berlin.", forms: ['What timezone am I in?', 'Which time zone is mine?'], paraphrase: ['What time is it for me?'] },
  { text: 'The user plays chess on Sunday evenings.', forms: ['When do I play chess?', 'What do I play on Sundays?'], paraphrase: ['What are my hobbies?'] },
  { text: 'The user drives a blue Volvo.', forms: ['What car do I drive?', 'Which Volvo is mine?'], paraphrase: ['What vehicle do I own?'] },
  // Russian
  { text: 'Пользователя зовут Владимир.', forms: ['Как меня зовут?', 'Напомни, как зовут пользователя.'], paraphrase: ['Какое у меня имя?'] },
  { text: 'Пользователь живёт в Казани.', forms: ['Где я живу?', 'В каком городе живёт пользователь?'], paraphrase: ['Откуда я?'] },
  { text: 'Пользователь работает аналитиком в Сбере.', forms: ['Где я работаю?', 'Кем работает пользователь?'], paraphrase: ['Какая у меня профессия?'] },
  { text: 'Жену пользователя зовут Анна.', forms: ['Как зовут мою жену?', 'Кто моя жена?'], paraphrase: ['Как имя моей супруги?'] },
  { text: 'У пользователя есть кошка по кличке Муся.', forms: ['Как зовут мою кошку?', 'Какая кличка у моей кошки?'], paraphrase: ['Какой у меня питомец?'] },
  { text: 'Пользователь предпочитает тёмную тему оформления.', forms: ['Какую тему оформления я предпочитаю?', 'Тёмная или светлая тема?'], paraphrase: ['Какие цвета интерфейса мне нравятся?'] },
  { text: 'Пользователь пишет код в VS Code.', forms: ['В каком редакторе я пишу код?', 'Где пользователь пишет код?'], paraphrase: ['Какой у меня редактор?'] },
  { text: 'Пользователь пьёт только чай без сахара.', forms: ['Что я пью?', 'Пью ли я чай с сахаром?'], paraphrase: ['Какой напиток мне предложить?'] },
  { text: 'День рождения пользователя — 2 августа.', forms: ['Когда мой день рождения?', 'Какого числа у меня день рождения?'], paraphrase: ['Когда я родился?'] },
  { text: 'У пользователя аллергия на орехи.', forms: ['На что у меня аллергия?', 'Есть ли у пользователя аллергии?'], paraphrase: ['Что мне нельзя есть?'] },
  { text: 'Проект собирается командой make release.', forms: ['Как собрать проект?', 'Какой командой собирается проект?'], paraphrase: ['Как сделать релизную сборку?'] },
  { text: 'В проекте используется база данных ClickHouse.', forms: ['Какую базу данных использует проект?', 'Какие базы данных в проекте?'], paraphrase: ['Где хранятся данные?'] },
  { text: 'Пользователь просит отвечать коротко и по делу.', forms: ['Как мне отвечать?', 'Какие ответы я прошу?'], paraphrase: ['Какой стиль общения мне нравится?'] },
  { text: 'Пользователь играет на гитаре по выходным.', forms: ['На чём я играю?', 'Когда пользователь играет на гитаре?'], paraphrase: ['Какое у меня хобби?'] },
  { text: 'Сына пользователя зовут Миша, ему семь лет.', forms: ['Как зовут моего сына?', 'Сколько лет сыну?'], paraphrase: ['Кто мой ребёнок?'] },
  { text: 'Пользователь ездит на работу на велосипеде.', forms: ['На чём я езжу на работу?', 'Как пользователь добирается до работы?'], paraphrase: ['Какой у меня транспорт?'] },
  { text: 'Пользователь родом из Новосибирска.', forms: ['Откуда родом пользователь?', 'Из какого я города родом?'], paraphrase: ['Где я вырос?'] },
  { text: 'Пользователь изучает японский язык.', forms: ['Какой язык я изучаю?', 'Что изучает пользователь?'], paraphrase: ['Чему я сейчас учусь?'] },
  { text: 'Сервер пользователя работает на Debian 12.', forms: ['Какая система на моём сервере?', 'На чём работают серверы пользователя?'], paraphrase: ['Какая ОС на машине в облаке?'] },
  { text: 'Пользователь не ест мясо, он вегетарианец.', forms: ['Ем ли я мясо?', 'Какое мясо ест пользователь?'], paraphrase: ['Что мне приготовить на ужин?'] },
];
