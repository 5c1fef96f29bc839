import { describe, expect, it } from 'vitest';
import { BigramTable } from '../../../../../services/spellchecker/spelling/bigram-table.ts';

/** A table of `words` ids from [first, second, value] triples. */
function table(words: number, triples: [number, number, number][]): BigramTable {
  return BigramTable.build(words, {
    count: triples.length,
    first: Int32Array.from(triples, (t) => t[0]),
    second: Int32Array.from(triples, (t) => t[1]),
    value: Float64Array.from(triples, (t) => t[2]),
  });
}

describe('BigramTable', () => {
  it('finds every pair in its row, whatever order the pairs came in', () => {
    const triples: [number, number, number][] = [
      [3, 9, 0.5],
      [0, 4, 1.25],
      [3, 1, -2],
      [0, 2, 3],
      [9, 0, 7],
      [3, 5, 0.125],
    ];
    const t = table(10, triples);
    for (const [a, b, v] of triples) expect(t.row(a)?.get(b)).toBe(v);
    expect(t.size).toBe(6);
  });

  it('a word without pairs has no row; a pair not given is undefined', () => {
    const t = table(6, [
      [1, 2, 1],
      [1, 4, 2],
    ]);
    expect(t.row(0)).toBeUndefined();
    expect(t.row(5)).toBeUndefined();
    expect(t.row(1)?.get(3)).toBeUndefined();
    expect(t.row(1)?.get(0)).toBeUndefined();
    expect(t.row(1)?.get(5)).toBeUndefined();
    // Past the last id: no row, no error.
    expect(t.row(6)).toBeUndefined();
  });

  it('a pair given twice keeps its last value, as Map.set did', () => {
    const t = table(4, [
      [2, 1, 1],
      [2, 3, 5],
      [2, 1, 9],
      [2, 1, 4],
    ]);
    expect(t.row(2)?.get(1)).toBe(4);
    expect(t.row(2)?.get(3)).toBe(5);
    expect(t.size).toBe(2);
  });

  it('agrees with a Map of Maps on many random pairs', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const triples: [number, number, number][] = Array.from({ length: 5_000 }, () => [
      random(300),
      random(300),
      random(1000) / 7,
    ]);
    const maps = new Map<number, Map<number, number>>();
    for (const [a, b, v] of triples) maps.set(a, (maps.get(a) ?? new Map()).set(b, v));
    const t = table(300, triples);
    for (let a = 0; a < 300; a++)
      for (let b = 0; b < 300; b++) expect(t.row(a)?.get(b)).toBe(maps.get(a)?.get(b));
  });
});
