import { describe, expect, it } from 'vitest';
import {
  isDerived,
  type Lexicon,
} from '../../../../../services/spellchecker/spelling/derived-words.ts';

const words = new Set([
  'speed',
  'redemption',
  'liquidated',
  'finance',
  'litigate',
  'security',
  'host',
  'red',
  'tape',
  'road',
  'map',
  'claim',
  'continue',
  'price',
  'this',
  'ready',
  'sluts',
  'give',
  'child',
]);
const pairs = new Set(['red tape', 'road map', 'all ready']);
const lexicon: Lexicon = {
  has: (w) => words.has(w),
  pairListed: (a, b) => pairs.has(`${a} ${b}`),
};

describe('isDerived', () => {
  it('accepts regular inflections, prefixed words and compounds of a frequent pair', () => {
    for (const w of [
      'speeded',
      'redemptions',
      'unliquidated',
      'unfinanced',
      'relitigated',
      'nonsecurity',
      'cohosted',
      'redtape',
      'roadmap',
    ])
      expect(isDerived(w, lexicon), w).toBe(true);
  });

  it('refuses slips that only look derived, and learner forms', () => {
    for (const w of [
      'thiss', // -s after s
      'claimes', // -es after m
      'continueing', // the e kept before -ing
      'pricess',
      'allready', // "all" runs into the next word in learner writing
      'resluts', // re + a short rest
      'gived',
      'childs',
    ])
      expect(isDerived(w, lexicon), w).toBe(false);
  });
});
