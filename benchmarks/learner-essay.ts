import { BASIC_LEARNER_ERRORS } from '../services/spellchecker/engine/learner-dictionary-engine.ts';

const CORRECT =
  'students write essays about books they read in class and teachers give feedback on their ideas structure and language while the school year goes on'.split(
    ' ',
  );
const WRONG = [...BASIC_LEARNER_ERRORS.keys()];

/**
 * Essay n of the benchmarks: 400 words, every 20th a learner misspelling (5%), in sentences of
 * 16 words. Deterministic, so runs compare.
 */
export function learnerEssay(n: number): string {
  const words: string[] = [];
  for (let i = 0; i < 400; i++) {
    const w =
      i % 20 === 7
        ? (WRONG[(n + i) % WRONG.length] as string)
        : (CORRECT[(n * 31 + i * 7) % CORRECT.length] as string);
    words.push(i % 16 === 0 ? w[0]?.toUpperCase() + w.slice(1) : w);
    if (i % 16 === 15) words[words.length - 1] += '.';
  }
  return `${words.join(' ')}.`;
}
