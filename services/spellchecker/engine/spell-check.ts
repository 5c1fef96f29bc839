/** One replaced word: where it was in the original text, what replaced it and why. */
export interface Correction {
  /** UTF-16 offsets into the original text, end exclusive. */
  start: number;
  end: number;
  original: string;
  replacement: string;
  /**
   * `learner_dictionary`: the learner table; `general`: a misspelling corrected; `context`: a
   * real word changed because its sentence calls for another ("their" -> "there").
   */
  source: 'learner_dictionary' | 'general' | 'context';
}

export interface SpellCheckOutcome {
  correctedText: string;
  corrections: Correction[];
}

/**
 * The spell-check function the worker is given. Throws `HULEEDU_UNSUPPORTED_LANGUAGE` for a
 * language it does not implement (never a silent pass-through).
 */
export type SpellCheckFn = (
  text: string,
  language: string,
) => SpellCheckOutcome | Promise<SpellCheckOutcome>;
