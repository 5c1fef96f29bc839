import { isOverRegularised } from './learner-morphology.ts';

/** What `isDerived` asks of the lexicon. */
export interface Lexicon {
  /**
   * Whether the word (lowercase) is a common word of the lexicon: not a short abbreviation, and
   * frequent enough not to be one of its rare or junk entries ("comm", "rathe", "prot").
   */
  has(word: string): boolean;
  /** Whether the two words are a frequent pair ("red tape"). */
  pairListed(first: string, second: string): boolean;
}

/** Prefixes that make words of words ("unfinanced", "relitigate", "nonsecurity", "cohost"). */
const PREFIXES = [
  'anti',
  'bio',
  'co',
  'counter',
  'cyber',
  'de',
  'dis',
  'inter',
  'micro',
  'mid',
  'mis',
  'multi',
  'non',
  'out',
  'over',
  'post',
  'pre',
  'pro',
  're',
  'self',
  'semi',
  'sub',
  'super',
  'trans',
  'ultra',
  'un',
  'under',
];

/**
 * Regular endings: the ending, the stems it goes with, and the letter the stem may have lost to
 * it ("speeded", "parklands", "taxes", "making"; not "thiss", "claimes", "continueing").
 */
const SUFFIXES: readonly [ending: string, stem: RegExp, restore: readonly string[]][] = [
  ['s', /[^sxz]$/, ['']],
  ['es', /(s|x|z|ch|sh|o)$/, ['']],
  ['ed', /[^e]$/, ['', 'e']],
  ['ing', /[^e]$/, ['', 'e']],
  ['er', /[^e]$/, ['', 'e']],
  ['ers', /[^e]$/, ['', 'e']],
];

/** Words that begin run-together phrases learners write as one ("allready", "everytime"). */
const NOT_COMPOUND_PARTS = new Set([
  'all',
  'any',
  'some',
  'every',
  'the',
  'and',
  'for',
  'not',
  'can',
  'may',
  'per',
  'you',
  'our',
  'its',
  'his',
  'her',
  'one',
  'who',
  'how',
  'why',
  'but',
  'was',
  'are',
  'has',
  'had',
]);

/**
 * Whether a word the lexicon lacks is built from its words by a rule: a regular inflection
 * ("speeded", "redemptions"), a prefix ("unliquidated", "relitigating"), or a compound of a
 * frequent pair ("redtape", "roadmap"). Such words were corrected into other words ("speeded" ->
 * "speed", "unfinanced" -> "financed", "redtape" -> "retype"): false alarms. A learner's
 * over-regularised form ("gived", "childs") is never accepted.
 */
export function isDerived(lower: string, lexicon: Lexicon): boolean {
  if (lower.length < 5 || isOverRegularised(lower)) return false;
  if (isInflection(lower, lexicon)) return true;
  for (const prefix of PREFIXES) {
    if (!lower.startsWith(prefix)) continue;
    const rest = lower.slice(prefix.length);
    // After a short prefix a short rest is often a slip ("resluts" is not re+sluts).
    if (rest.length < (prefix.length <= 2 ? 6 : 5)) continue;
    if (lexicon.has(rest) || isInflection(rest, lexicon)) return true;
  }
  for (let i = 3; i <= lower.length - 3; i++) {
    const first = lower.slice(0, i);
    if (NOT_COMPOUND_PARTS.has(first) || !lexicon.has(first)) continue;
    const second = lower.slice(i);
    if (NOT_COMPOUND_PARTS.has(second) || !lexicon.has(second)) continue;
    if (lexicon.pairListed(first, second)) return true;
  }
  return false;
}

function isInflection(lower: string, lexicon: Lexicon): boolean {
  for (const [ending, fits, restores] of SUFFIXES) {
    if (!lower.endsWith(ending)) continue;
    const stem = lower.slice(0, -ending.length);
    if (stem.length < 4 || !fits.test(stem)) continue;
    for (const restore of restores) if (lexicon.has(stem + restore)) return true;
  }
  return false;
}
