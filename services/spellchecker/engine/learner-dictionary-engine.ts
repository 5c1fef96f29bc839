import { HuleEduError } from '../../../common-core/index.ts';
import { LEARNER_ERRORS } from '../spelling/learner-errors.ts';
import { matchCase } from './case.ts';
import type { Correction, SpellCheckFn, SpellCheckOutcome } from './spell-check.ts';

const WORD = /[A-Za-z]+(?:'[A-Za-z]+)*/g;

/**
 * The interim engine: corrects only the common learner errors of a wrong -> right table, in
 * one pass over tokens (one hash lookup per token), preserving case and every other byte.
 * The general engine (issue 5) replaces it behind the same `SpellCheckFn`.
 */
export function learnerDictionaryEngine(table: ReadonlyMap<string, string>): SpellCheckFn {
  return (text: string, language: string): SpellCheckOutcome => {
    if (language !== 'en') {
      throw new HuleEduError(
        'HULEEDU_UNSUPPORTED_LANGUAGE',
        `language '${language}' is not supported (supported: en)`,
      );
    }
    const corrections: Correction[] = [];
    let out = '';
    let last = 0;
    for (const m of text.matchAll(WORD)) {
      const word = m[0];
      const right = table.get(word.toLowerCase());
      if (right === undefined) continue;
      const replacement = matchCase(word, right);
      corrections.push({
        start: m.index,
        end: m.index + word.length,
        original: word,
        replacement,
        source: 'learner_dictionary',
      });
      out += text.slice(last, m.index) + replacement;
      last = m.index + word.length;
    }
    return { correctedText: corrections.length ? out + text.slice(last) : text, corrections };
  };
}

/** The learner-error table the interim engine corrects: the spelling engine's own. */
export const BASIC_LEARNER_ERRORS: ReadonlyMap<string, string> = LEARNER_ERRORS;
