import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpellingEngine } from '../../../../../services/spellchecker/spelling/spelling-engine.ts';
import { SymSpellIndex } from '../../../../../services/spellchecker/spelling/symspell-index.ts';
import { lcg, randomWord } from '../../../../helpers/random.ts';

/** The reference: deletes as strings (what the index did before hashing them). */
function deletes(word: string, max: number): Set<string> {
  const out = new Set([word]);
  let frontier = [word];
  for (let d = 0; d < max; d++) {
    const next: string[] = [];
    for (const w of frontier) {
      if (w.length <= 1) continue;
      for (let i = 0; i < w.length; i++) {
        const del = w.slice(0, i) + w.slice(i + 1);
        if (!out.has(del)) {
          out.add(del);
          next.push(del);
        }
      }
    }
    frontier = next;
  }
  return out;
}

function expected(words: readonly string[], typed: string): number[] {
  const mine = deletes(typed.slice(0, 7), 2);
  return words
    .map((w, id) => ({ w, id }))
    .filter(
      ({ w }) =>
        Math.abs(w.length - typed.length) <= 2 &&
        [...deletes(w.slice(0, 7), 2)].some((d) => mine.has(d)),
    )
    .map(({ id }) => id);
}

const candidates = (index: SymSpellIndex, typed: string): number[] => {
  const out: number[] = [];
  index.forEachCandidate(typed, (id) => out.push(id));
  return out.sort((a, b) => a - b);
};

const rand = lcg(5);
const letters = 'abcdeilmnorst';
const lexicon = [...new Set(Array.from({ length: 600 }, () => randomWord(rand, letters, 11)))];
const typos = Array.from({ length: 300 }, () => {
  const w = lexicon[Math.floor(rand() * lexicon.length)] as string;
  const i = Math.floor(rand() * (w.length + 1));
  return rand() < 0.5 ? w.slice(0, i) + w.slice(i + 1) : `${w.slice(0, i)}e${w.slice(i)}`;
});

describe('SymSpellIndex', () => {
  const index = SymSpellIndex.build(lexicon);

  it('finds exactly the words the string-delete definition finds', () => {
    for (const typed of [...typos, 'a', 'zz', 'abcdefghijklmnop'])
      expect(candidates(index, typed)).toEqual(expected(lexicon, typed));
  });

  it('round-trips through its cache form and refuses a corrupt or foreign one', () => {
    const bytes = index.serialize();
    const back = SymSpellIndex.deserialize(bytes, lexicon);
    for (const typed of typos.slice(0, 50))
      expect(candidates(back, typed)).toEqual(candidates(index, typed));
    expect(() => SymSpellIndex.deserialize(bytes.subarray(0, bytes.length - 4), lexicon)).toThrow(
      /corrupt/,
    );
    expect(() => SymSpellIndex.deserialize(bytes, lexicon.slice(1))).toThrow(/corrupt/);
  });
});

describe('SpellingEngine index cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'huleedu-spell-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the index once, loads it after, and removes caches of other versions', () => {
    writeFileSync(join(dir, 'symspell-en-v2-d2p7-0000000000000000.bin'), 'stale');
    const first = new SpellingEngine({ cacheDir: dir });
    const files = readdirSync(dir).filter((f) => f.startsWith('symspell-'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^symspell-en-v3-.*\.bin$/);
    // The lexicon's junk list is cached beside it.
    expect(readdirSync(dir).filter((f) => /^junk-en-v1-.*\.txt$/.test(f))).toHaveLength(1);
    const second = new SpellingEngine({ cacheDir: dir });
    expect(second.suggest('recieve', 3)).toEqual(first.suggest('recieve', 3));
    expect(existsSync(join(dir, files[0] as string))).toBe(true);
  }, 60_000);
});
