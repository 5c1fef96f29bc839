import { describe, expect, it } from 'vitest';
import { syllablesOf, textMetrics } from '../../../../services/metrics/text-metrics.ts';

describe('textMetrics', () => {
  it('counts words (contractions and hyphenated words as one) and sentences', () => {
    const m = textMetrics("It's a well-known fact. Isn't it? Yes!\n\nA last line without a stop");
    expect(m.words).toBe(13);
    expect(m.sentences).toBe(4);
    expect(m.meanSentenceLength).toBe(3.25);
  });

  it('gives the spelling error rate per 100 words from the spellcheck result, null without it', () => {
    const text = 'The cat sat on the mat. The dog ran after the cat! Did it catch the cat?';
    expect(textMetrics(text, { correctionsMade: 2 }).spellingErrorRate).toBe(11.76);
    expect(textMetrics(text, { correctionsMade: 0 }).spellingErrorRate).toBe(0);
    expect(textMetrics(text).spellingErrorRate).toBeNull();
  });

  it('computes the Flesch-Kincaid grade (0.39 w/s + 11.8 syl/w - 15.59), never below 0', () => {
    // 3 words, 1 sentence, 4 + 2 + 5 syllables: 1.17 + 43.27 - 15.59.
    expect(textMetrics('Education improves opportunity.').readabilityGrade).toBe(28.85);
    expect(textMetrics('The cat sat on the mat.').readabilityGrade).toBe(0);
  });

  it('measures lexical diversity with MTLD: low for repetition, high for varied prose', () => {
    const repetitive = textMetrics(Array.from({ length: 100 }, () => 'the cat').join(' '));
    expect(repetitive.lexicalDiversity).toBeLessThan(5);
    const varied = textMetrics(
      'Students write essays about the books they read in class. Their teachers give feedback on ideas, structure and language. Reading widely builds vocabulary; writing often builds fluency and confidence. A good essay has a clear argument, evidence for each claim, and a conclusion that follows from them.',
    );
    expect(varied.lexicalDiversity).toBeGreaterThan(60);
  });

  it('is all zeros for a text without words', () => {
    expect(textMetrics(' 42 ... ')).toEqual({
      words: 0,
      sentences: 0,
      meanSentenceLength: 0,
      lexicalDiversity: 0,
      readabilityGrade: 0,
      spellingErrorRate: null,
    });
  });
});

describe('syllablesOf', () => {
  it('counts vowel groups, without silent endings', () => {
    const counts = Object.fromEntries(
      ['the', 'table', 'beautiful', 'makes', 'jumped', 'created', 'education', 'simple'].map(
        (w) => [w, syllablesOf(w)],
      ),
    );
    expect(counts).toEqual({
      the: 1,
      table: 2,
      beautiful: 3,
      makes: 1,
      jumped: 1,
      created: 2,
      education: 4,
      simple: 2,
    });
  });
});
