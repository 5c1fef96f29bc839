import { describe, expect, it } from 'vitest';
import { BigramTable } from '../../../../../services/spellchecker/spelling/bigram-table.ts';
import {
  ContextModel,
  LOG_BIGRAM_SCALE,
} from '../../../../../services/spellchecker/spelling/context-model.ts';

// Words 0 "more", 1 "than", 2 "then", 3 "the"; the pairs "more than" and "than the" are listed.
const logCount = Float64Array.from([1e9, 5e8, 4e8, 2e10], Math.log);
const pairs = {
  count: 2,
  first: Int32Array.from([0, 1]),
  second: Int32Array.from([1, 3]),
  value: Float64Array.from([8e7, 3e7], Math.log),
};
const model = new ContextModel(
  logCount,
  BigramTable.build(4, pairs),
  BigramTable.build(4, { ...pairs, first: pairs.second, second: pairs.first }),
  5e13,
);

describe('ContextModel', () => {
  it('reads a listed pair, and estimates an unlisted one below the list floor', () => {
    expect(model.pair(0, 1)).toBeCloseTo(Math.log(8e7));
    expect(model.isListed(0, 2)).toBe(false);
    // The list's floor (6.4M on its scale) is at most half that on the words' scale.
    const ceiling = Math.log(3_200_000) - LOG_BIGRAM_SCALE;
    expect(model.pair(0, 2)).toBeLessThan(ceiling + 1e-9);
    // The benefit of the doubt raises an unlisted pair, never above the floor.
    expect(model.pair(0, 2, true)).toBeGreaterThan(model.pair(0, 2));
    expect(model.pair(3, 3, true)).toBeCloseTo(ceiling);
  });

  it('prefers the word its neighbours go with: "more than the" over "more then the"', () => {
    expect(model.reading([1], 0, 3)).toBeGreaterThan(model.reading([2], 0, 3) + 2);
    expect(model.fit(1, 0, 3)).toBeGreaterThan(model.fit(2, 0, 3));
  });

  it('chains the inner pairs of a reading of several words', () => {
    // "than the" read as one position between "more" and nothing.
    expect(model.reading([1, 3], 0, -1)).toBeCloseTo(Math.log(8e7) + Math.log(3e7) - Math.log(5e8));
  });
});
