/**
 * Text metrics of an essay, as a teacher reads them: length, sentences, lexical diversity,
 * readability and the spelling error rate. Pure: no I/O, the same numbers for the same text.
 */
export interface TextMetrics {
  /** Words (letters, with inner apostrophes and hyphens: "don't", "well-known" are one). */
  words: number;
  /** Sentences (ended by . ! ? or a blank line; a last one without its stop counts). */
  sentences: number;
  /** Words per sentence. */
  meanSentenceLength: number;
  /**
   * Lexical diversity as MTLD (McCarthy & Jarvis 2010): the mean length of the word runs that
   * keep a type-token ratio above 0.72, forward and backward. Independent of text length,
   * unlike a plain type-token ratio; ~70-100 for adult prose, lower for repetitive writing.
   */
  lexicalDiversity: number;
  /** Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59 (0 at least). */
  readabilityGrade: number;
  /** Spelling corrections per 100 words (from the spellcheck phase), or null without it. */
  spellingErrorRate: number | null;
}

const WORD = /[A-Za-z\u00C0-\u024F]+(?:['\u2019-][A-Za-z\u00C0-\u024F]+)*/g;
/** A sentence ends at . ! ? (with closing quotes or brackets) before a space, or at a blank line. */
const SENTENCE_END = /[.!?]+["'\u201D\u2019)\]]*(?=\s|$)|\n\s*\n/g;
const MTLD_THRESHOLD = 0.72;

export function textMetrics(
  text: string,
  options: { correctionsMade?: number | null } = {},
): TextMetrics {
  const words = (text.match(WORD) ?? []).map((w) => w.toLowerCase());
  const sentences = countSentences(text);
  const syllables = words.reduce((n, w) => n + syllablesOf(w), 0);
  const n = words.length;
  const corrections = options.correctionsMade;
  return {
    words: n,
    sentences,
    meanSentenceLength: sentences === 0 ? 0 : round(n / sentences),
    lexicalDiversity: round((mtldPass(words) + mtldPass([...words].reverse())) / 2),
    // The formula goes below 0 for very short sentences of short words: grade 0 at least.
    readabilityGrade:
      n === 0
        ? 0
        : round(Math.max(0, 0.39 * (n / Math.max(1, sentences)) + 11.8 * (syllables / n) - 15.59)),
    spellingErrorRate:
      corrections === undefined || corrections === null
        ? null
        : n === 0
          ? 0
          : round((100 * corrections) / n),
  };
}

/** Sentences that hold at least one word. */
function countSentences(text: string): number {
  let count = 0;
  let from = 0;
  const hasWord = (s: string) => /[A-Za-z\u00C0-\u024F]/.test(s);
  for (const m of text.matchAll(SENTENCE_END)) {
    if (hasWord(text.slice(from, m.index))) count++;
    from = m.index + m[0].length;
  }
  if (hasWord(text.slice(from))) count++;
  return count;
}

/**
 * Syllables of a word by its vowel groups: a silent final "e" (not "-le") and the "-es"/"-ed"
 * endings that add no syllable ("makes", "jumped"; not "created") are not counted; every word
 * has at least one. A heuristic, as every readability formula uses.
 */
export function syllablesOf(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length <= 3) return 1;
  const trimmed = w
    .replace(/(?:[^laeiouy]es|[^laeiouytd]ed|[^laeiouy]e)$/, (end) => end.charAt(0))
    .replace(/^y/, '');
  const groups = trimmed.match(/[aeiouy]+/g);
  return Math.max(1, groups?.length ?? 0);
}

/** One MTLD pass: words per factor, a factor being a run whose type-token ratio fell to 0.72. */
function mtldPass(words: readonly string[]): number {
  if (words.length === 0) return 0;
  let factors = 0;
  let types = new Set<string>();
  let tokens = 0;
  for (const w of words) {
    types.add(w);
    tokens++;
    if (types.size / tokens <= MTLD_THRESHOLD) {
      factors++;
      types = new Set();
      tokens = 0;
    }
  }
  // The run left over counts as the part of a factor it covered.
  if (tokens > 0) factors += (1 - types.size / tokens) / (1 - MTLD_THRESHOLD);
  return factors === 0 ? words.length : words.length / factors;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
