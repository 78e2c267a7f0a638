/**
 * Words that say nothing about what a memory is about. Question words and pronouns would
 * otherwise dominate BM25 for short questions ("what is my …", "как меня …"). Kept small on
 * purpose: every word here can never be searched for.
 */
const ENGLISH = `a an the is are was were be been being am do does did doing have has had having
what whats who whom whose which where when why how
you your yours it its he she they them their his her we us our
of to in on at for with about from by as into onto over under
and or but if then than so not no nor
this that these those there here
can could would should will shall may might must
please tell say said know remember again also just only very
s t d ll re ve m`;

const RUSSIAN = `а и или но да нет не ни же ли бы то это этот эта эти тот та те
в во на с со к ко по о об от до из у за для при про над под
что чего чем чём кто кого кому как где когда куда откуда почему зачем сколько
какой какая какое какие каком какую каких каким какого какому какими каков
который которая которое которые котором которую которых которым которого
ты тебя тебе тобой вы вас вам вами он она оно они его её ее их им ему ей ним ней них
есть был была было были будет быть
пожалуйста скажи скажите напомни помнишь знаешь ещё еще также тоже уже только очень ответь коротко`;

export const STOP_WORDS: ReadonlySet<string> = new Set(`${ENGLISH} ${RUSSIAN}`.split(/\s+/).filter(Boolean));

/**
 * First-person words mean the user: memories are written about "the user" ("The user's name is
 * Vladimir", "Пользователя зовут Владимир"), questions in the first person ("What's my name?").
 * Both sides map to the same stem, so "my" finds "user". Values are already stems.
 */
/** The first-person possessive determiners: what follows them belongs to the user ("my sister", "мою жену"). */
export const POSSESSIVE_USER_WORDS: ReadonlySet<string> = new Set(['my', 'мою', 'мой', 'моя', 'моё', 'мое', 'мои', 'моего', 'моей', 'моих', 'моим', 'моими', 'моему', 'моём', 'моем']);

export const USER_WORDS: ReadonlyMap<string, string> = new Map([
  ...['i', 'me', 'my', 'mine', 'myself'].map((w) => [w, 'user'] as const),
  ...['я', 'меня', 'мне', 'мной', 'мною', ...[...POSSESSIVE_USER_WORDS].filter((w) => w !== 'my')].map((w) => [w, 'пользовател'] as const),
]);
