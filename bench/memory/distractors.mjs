/**
 * Distractor memories: plausible things a personal agent keeps about other people, other
 * projects and passing notes, written with the same words as the known facts (names, cities,
 * "зовут", "deploy", "birthday") so that they compete with them for every question. The user's
 * sister is not among the relations: facts.mjs asks about her, so the set holds one sister.
 */

const EN = {
  person: ['Anna', 'Tom', 'Ivan', 'Olga', 'Peter', 'Sara', 'Lukas', 'Mia', 'Omar', 'Chen', 'Nina', 'Paul', 'Eva', 'Jonas', 'Lena'],
  relation: ['colleague', 'friend', 'neighbour', 'manager', 'brother', 'cousin', 'landlord', 'dentist', 'teammate'],
  city: ['Paris', 'Munich', 'Lisbon', 'Prague', 'Oslo', 'Vienna', 'Madrid', 'Warsaw', 'Riga', 'Hamburg', 'Zurich', 'Dublin'],
  job: ['designer', 'nurse', 'teacher', 'lawyer', 'backend developer', 'product manager', 'accountant', 'data scientist'],
  company: ['Siemens', 'SAP', 'Spotify', 'Bosch', 'Delivery Hero', 'N26', 'Booking', 'Adyen'],
  pet: ['cat', 'dog', 'parrot', 'hamster', 'rabbit'],
  petName: ['Luna', 'Max', 'Bella', 'Charlie', 'Milo', 'Kiwi', 'Oscar'],
  lang: ['Go', 'Python', 'Kotlin', 'TypeScript', 'Java', 'C++', 'Elixir', 'Zig'],
  domain: ['web services', 'data pipelines', 'mobile apps', 'scripts', 'games', 'embedded devices'],
  project: ['billing', 'search', 'auth', 'payments', 'analytics', 'gateway', 'notifier', 'scheduler', 'crawler'],
  platform: ['Kubernetes', 'Heroku', 'AWS Lambda', 'a bare-metal server', 'Render', 'Cloud Run'],
  command: ['npm test', 'pytest -q', 'go test ./...', 'cargo test', 'make test', 'gradle check'],
  db: ['MySQL 8', 'MongoDB', 'Redis', 'SQLite', 'Cassandra', 'DynamoDB'],
  month: ['January', 'February', 'April', 'May', 'June', 'July', 'September', 'October', 'November', 'December'],
  color: ['red', 'black', 'white', 'grey', 'green'],
  car: ['Toyota', 'Skoda', 'BMW', 'Tesla', 'Renault'],
  topic: ['the quarterly budget', 'a new hiring plan', 'the office move', 'code review rules', 'the holiday schedule', 'a flaky test', 'the release notes'],
  day: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  drink: ['espresso', 'black coffee', 'lemonade', 'sparkling water', 'mate'],
  game: ['tennis', 'football', 'poker', 'go', 'volleyball'],
};

const EN_TEMPLATES = [
  (p, v) => `The user's ${p(v.relation)} ${p(v.person)} lives in ${p(v.city)}.`,
  (p, v) => `${p(v.person)}, a ${p(v.relation)} of the user, works as a ${p(v.job)} at ${p(v.company)}.`,
  (p, v) => `${p(v.person)} has a ${p(v.pet)} named ${p(v.petName)}.`,
  (p, v) => `The user's ${p(v.relation)} is called ${p(v.person)}.`,
  (p, v) => `${p(v.person)} prefers ${p(v.lang)} for ${p(v.domain)}.`,
  (p, v) => `The ${p(v.project)} service deploys to ${p(v.platform)}.`,
  (p, v) => `Tests of the ${p(v.project)} repo run with ${p(v.command)}.`,
  (p, v) => `The ${p(v.project)} database is ${p(v.db)}.`,
  (p, v) => `${p(v.person)}'s birthday is on ${p(v.month)} ${1 + Math.floor(p.random() * 28)}.`,
  (p, v) => `The user's ${p(v.relation)} drives a ${p(v.color)} ${p(v.car)}.`,
  (p, v) => `The user met ${p(v.person)} in ${p(v.city)} to talk about ${p(v.topic)}.`,
  (p, v) => `Reminder: discuss ${p(v.topic)} with ${p(v.person)} on ${p(v.day)}.`,
  (p, v) => `${p(v.person)} drinks ${p(v.drink)} every morning.`,
  (p, v) => `${p(v.person)} plays ${p(v.game)} on ${p(v.day)} evenings.`,
  (p, v) => `The ${p(v.project)} project uses ${p(v.lang)} and is deployed with ${p(v.command).split(' ')[0]}.`,
  (p, v) => `${p(v.person)} asked the user to review the ${p(v.project)} code before ${p(v.day)}.`,
];

const RU = {
  name: ['Ольгу', 'Петра', 'Ирину', 'Сергея', 'Марину', 'Дмитрия', 'Елену', 'Алексея', 'Наталью', 'Игоря'],
  nameNom: ['Ольга', 'Пётр', 'Ирина', 'Сергей', 'Марина', 'Дмитрий', 'Елена', 'Алексей', 'Наталья', 'Игорь'],
  relationAcc: ['коллегу', 'соседа', 'начальника', 'брата', 'друга', 'тренера', 'врача'],
  relationGen: ['коллеги', 'соседа', 'начальника', 'брата', 'друга', 'тренера', 'врача'],
  cityPrep: ['Москве', 'Самаре', 'Перми', 'Омске', 'Твери', 'Сочи', 'Риге', 'Минске', 'Екатеринбурге'],
  job: ['дизайнером', 'врачом', 'учителем', 'юристом', 'бухгалтером', 'тестировщиком', 'менеджером'],
  company: ['Яндексе', 'Озоне', 'Тинькофф', 'Авито', 'МТС', 'Касперском'],
  pet: ['собака', 'кошка', 'попугай', 'хомяк'],
  petName: ['Барсик', 'Шарик', 'Рыжик', 'Кеша', 'Лаки', 'Тоша'],
  project: ['биллинг', 'поиск', 'авторизация', 'платежи', 'аналитика', 'шлюз', 'планировщик'],
  projectPrep: ['биллинге', 'поиске', 'авторизации', 'платежах', 'аналитике', 'шлюзе', 'планировщике'],
  target: ['build', 'test', 'lint', 'docker', 'deploy', 'dist'],
  db: ['PostgreSQL', 'MySQL', 'MongoDB', 'Redis', 'Tarantool', 'SQLite'],
  month: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'сентября', 'октября', 'ноября', 'декабря'],
  topic: ['бюджет на квартал', 'план найма', 'переезд офиса', 'правила код-ревью', 'график отпусков', 'падающий тест'],
  day: ['понедельника', 'вторника', 'среды', 'четверга', 'пятницы'],
  hobby: ['на скрипке', 'в теннис', 'в шахматы', 'на пианино', 'в футбол'],
  drink: ['кофе', 'какао', 'морс', 'минеральную воду', 'кефир'],
  language: ['немецкий', 'испанский', 'китайский', 'французский', 'итальянский'],
};

const RU_TEMPLATES = [
  (p, v) => `${cap(p(v.relationAcc))} пользователя зовут ${p(v.nameNom)}.`,
  (p, v) => `${cap(p(v.relationGen))} пользователя зовут ${p(v.nameNom)}, он живёт в ${p(v.cityPrep)}.`,
  (p, v) => `Пользователь знает ${p(v.name)}, которая работает ${p(v.job)} в ${p(v.company)}.`,
  (p, v) => `У ${p(v.relationGen)} пользователя есть ${p(v.pet)} по кличке ${p(v.petName)}.`,
  (p, v) => `Сервис ${p(v.project)} собирается командой make ${p(v.target)}.`,
  (p, v) => `В сервисе ${p(v.project)} используется база данных ${p(v.db)}.`,
  (p, v) => `День рождения ${p(v.relationGen)} — ${1 + Math.floor(p.random() * 28)} ${p(v.month)}.`,
  (p, v) => `Пользователь обсуждал с ${p(v.name)} ${p(v.topic)}.`,
  (p, v) => `Напоминание: обсудить ${p(v.topic)} до ${p(v.day)}.`,
  (p, v) => `${cap(p(v.relationAcc))} пользователя попросили проверить код в ${p(v.projectPrep)}.`,
  (p, v) => `${p(v.nameNom)} играет ${p(v.hobby)} по выходным.`,
  (p, v) => `${p(v.nameNom)} пьёт ${p(v.drink)} по утрам.`,
  (p, v) => `${p(v.nameNom)} изучает ${p(v.language)} язык.`,
  (p, v) => `${p(v.nameNom)} живёт в ${p(v.cityPrep)} и работает ${p(v.job)}.`,
];

const cap = (s) => s[0].toUpperCase() + s.slice(1);

/** A small seeded generator (mulberry32): the same memory set on every run and machine. */
export function seeded(seed) {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (list) => list[Math.floor(random() * list.length)];
  pick.random = random;
  return pick;
}

/** `count` distractor texts, English and Russian alternating. */
export function distractors(count, seed = 7) {
  const pick = seeded(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(i % 2 === 0 ? pick(EN_TEMPLATES)(pick, EN) : pick(RU_TEMPLATES)(pick, RU));
  }
  return out;
}
