import { describe, expect, it } from 'vitest';
import {
  letterBoundDistance,
  weightedDistance,
} from '../../../../../services/spellchecker/spelling/edit-distance.ts';
import { lcg, randomWord } from '../../../../helpers/random.ts';

describe('edit distance', () => {
  it('prices learner errors below arbitrary edits', () => {
    expect(weightedDistance('recieve', 'receive')).toBeLessThan(1); // transposition
    expect(weightedDistance('seperate', 'separate')).toBeLessThan(1); // vowel
    expect(weightedDistance('occured', 'occurred')).toBeLessThan(1); // doubled letter
    expect(weightedDistance('xyz', 'abc')).toBeGreaterThan(2.5);
    expect(weightedDistance('abcdefgh', 'zyxwvuts', 2)).toBe(Number.POSITIVE_INFINITY);
  });

  it('letterBoundDistance never exceeds the weighted distance (so pruning with it is exact)', () => {
    const rand = lcg(7);
    const letters = "aeioubcdlmnrst'-";
    const word = () => randomWord(rand, letters, 10);
    for (let k = 0; k < 5_000; k++) {
      const a = word();
      const b = rand() < 0.5 ? word() : `${a.slice(0, 2)}${word()}`;
      const exact = weightedDistance(a, b, 100);
      expect(letterBoundDistance(a, b, 0.45)).toBeLessThanOrEqual(exact + 1e-9);
    }
  });

  it('gives up past max only when the distance is past max (bug: a transposition jumps a row)', () => {
    // "peice" -> "piece" is one vowel swap (0.45), but every cell of one row is above it: the
    // early exit used to return Infinity, and the top-1 search then picked "peace".
    expect(weightedDistance('peice', 'piece', 0.5)).toBeCloseTo(weightedDistance('peice', 'piece'));
    const rand = lcg(11);
    const word = () =>
      Array.from(
        { length: 1 + Math.floor(rand() * 8) },
        () => 'aeirst'[Math.floor(rand() * 6)],
      ).join('');
    for (let k = 0; k < 5_000; k++) {
      const a = word();
      const b = rand() < 0.5 ? word() : a.split('').reverse().join('');
      const exact = weightedDistance(a, b, 100);
      const max = rand() * 3;
      expect(weightedDistance(a, b, max)).toBe(exact <= max ? exact : Number.POSITIVE_INFINITY);
    }
  });
});
