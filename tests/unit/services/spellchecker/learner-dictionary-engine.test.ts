import { describe, expect, it } from 'vitest';
import { HuleEduError } from '../../../../common-core/index.ts';
import {
  BASIC_LEARNER_ERRORS,
  learnerDictionaryEngine,
} from '../../../../services/spellchecker/engine/learner-dictionary-engine.ts';

const check = learnerDictionaryEngine(BASIC_LEARNER_ERRORS);

describe('learner dictionary engine (interim)', () => {
  it('corrects listed errors, preserving case, punctuation and offsets', async () => {
    const text = 'Teh cat, TEH dog; teh end. Alot!';
    const r = await check(text, 'en');
    expect(r.correctedText).toBe('The cat, THE dog; the end. A lot!');
    expect(r.corrections.map((c) => [c.start, c.end, c.original, c.replacement])).toEqual([
      [0, 3, 'Teh', 'The'],
      [9, 12, 'TEH', 'THE'],
      [18, 21, 'teh', 'the'],
      [27, 31, 'Alot', 'A lot'],
    ]);
    for (const c of r.corrections) expect(text.slice(c.start, c.end)).toBe(c.original);
  });

  it('leaves text without listed errors byte for byte, and empty text empty', async () => {
    expect((await check('Fine text\r\n\tåäö 123.', 'en')).correctedText).toBe(
      'Fine text\r\n\tåäö 123.',
    );
    expect(await check('', 'en')).toEqual({ correctedText: '', corrections: [] });
  });

  it('refuses an unsupported language clearly', () => {
    expect(() => check('x', 'sv')).toThrow(HuleEduError);
    expect(() => check('x', 'sv')).toThrow(/language 'sv' is not supported/);
  });
});
