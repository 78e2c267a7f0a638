/**
 * A controlled embedder for the paraphrase set: each text becomes a bag of concepts (a small
 * thesaurus written for these questions, in English and Russian; any other word is its own
 * concept), hashed into a fixed number of dimensions. It stands in for an embedding model the
 * way a scripted fake stands in for a chat model: it tells how ducklm's hybrid ranking uses
 * semantic similarity among thousands of lexical competitors, not how good any model is.
 */
import { contentStems, stemWord } from '../../dist/memory/text.js';

const GROUPS = {
  name: 'name call called named имя зовут звать кличка',
  home: 'live home city living живет город дом откуда',
  work: 'work job profession occupation works teaches работа работает профессия занимается преподает',
  spouse: 'wife spouse husband жена супруга муж',
  pet: 'dog cat pet parrot кошка собака питомец попугай',
  prefer: 'prefer favourite favorite like нравиться нравятся предпочитает',
  systems: 'systems low level',
  edit: 'edit edits editor editing редактор пишет',
  programming: 'programming code код language',
  os: 'linux arch ubuntu fedora windows debian os operating system',
  server: 'server cloud machine сервер облаке машине',
  drink: 'drink drinks beverage tea coffee напиток пить пьет чай кофе',
  birth: 'birthday born birth рождения родился',
  allergy: 'allergic allergy allergies avoid аллергия нельзя',
  food: 'food peanuts steak dinner meat vegetarian орехи ужин приготовить мясо вегетарианец',
  deploy: 'deploy deployed ship production release релиз релизную',
  build: 'build сборка сборку собирается собрать',
  packages: 'pnpm npm package dependencies install',
  test: 'test tests verify check changes',
  database: 'database data stored postgresql postgres clickhouse база данных хранятся',
  indent: 'indent indents indentation whitespace tabs spaces',
  commit: 'commit commits git log conventional',
  time: 'timezone time zone',
  hobby: 'hobby hobbies chess play plays guitar хобби гитаре играет',
  car: 'drive drives driving car vehicle volvo',
  music: 'cello music instrument orchestra',
  sibling: 'sibling sister brother сестра брат',
  theme: 'theme colours colors interface тему цвета интерфейса оформления',
  talk: 'communication style answer answers отвечать общения стиль ответы',
  child: 'child son kid ребенок сын',
  transport: 'transport bicycle bike велосипеде транспорт ездит',
  origin: 'grew origin from вырос родом',
  learn: 'learn learning study studies учусь изучает',
  teach: 'teach teaches teacher преподает',
};

const CONCEPT = new Map();
for (const [concept, words] of Object.entries(GROUPS)) for (const word of words.split(' ')) CONCEPT.set(stemWord(word.replaceAll('ё', 'е')), concept);

// Wide enough that unrelated words rarely share a dimension.
const DIMENSIONS = 1024;

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % DIMENSIONS;
}

export function conceptVector(text) {
  const v = new Float32Array(DIMENSIONS);
  for (const stem of contentStems(text)) v[hash(CONCEPT.get(stem) ?? stem)] += 1;
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return v.map((x) => x / norm);
}

/** The Embedder interface of src/memory/embeddings.ts. */
export const conceptEmbedder = {
  model: 'bench-concepts',
  async embed(texts) {
    return texts.map(conceptVector);
  },
};
