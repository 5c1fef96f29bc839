import { describe, expect, it } from 'vitest';
import { correctionsBetween } from '../../../../services/api/corrections.ts';

describe('correctionsBetween', () => {
  it('finds each replaced word with its offsets in the original', () => {
    const original = 'I recieve alot of letters, teh end.';
    const corrected = 'I receive a lot of letters, the end.';
    const found = correctionsBetween(original, corrected);
    expect(found).toEqual([
      { start: 2, end: 9, original: 'recieve', replacement: 'receive' },
      { start: 10, end: 14, original: 'alot', replacement: 'a lot' },
      { start: 27, end: 30, original: 'teh', replacement: 'the' },
    ]);
    for (const c of found) expect(original.slice(c.start, c.end)).toBe(c.original);
  });

  it('applying the corrections to the original gives the corrected text', () => {
    const original = 'Dont worry, its fine.\nThey was heer yesterday, and went their.';
    const corrected = "Don't worry, it's fine.\nThey was here yesterday, and went there.";
    let rebuilt = '';
    let at = 0;
    for (const c of correctionsBetween(original, corrected)) {
      rebuilt += original.slice(at, c.start) + c.replacement;
      at = c.end;
    }
    expect(rebuilt + original.slice(at)).toBe(corrected);
  });

  it('finds nothing in an unchanged text', () => {
    expect(correctionsBetween('Fine as it is.', 'Fine as it is.')).toEqual([]);
  });
});
