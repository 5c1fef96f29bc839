import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { HuleEduError } from '../../../common-core/index.ts';
import { matchCase } from '../engine/case.ts';
import type { Correction, SpellCheckOutcome } from '../engine/spell-check.ts';
import { type BigramRow, BigramTable } from './bigram-table.ts';
import { CONTEXT_THRESHOLDS, confusionsOf, MODALS, type Reading } from './confusion-sets.ts';
import { ContextModel, LOG_BIGRAM_SCALE } from './context-model.ts';
import { isDerived, type Lexicon } from './derived-words.ts';
import { CHEAPEST_EDIT, LetterBag, weightedDistance } from './edit-distance.ts';
import { bigramLines, unigrams } from './frequency-data.ts';
import { LEARNER_ERRORS } from './learner-errors.ts';
import { isContraction, learnerForm } from './learner-morphology.ts';
import { JUNK_RULES, junkEntries } from './lexicon-cleanup.ts';
import { phoneticKey } from './phonetic.ts';
import { SymSpellIndex } from './symspell-index.ts';
import { adjacentWord, startsSentence, tokenize } from './tokenize.ts';

/** Languages the engine implements. */
export const SUPPORTED_LANGUAGES: readonly string[] = ['en'];

const CONTRACTION = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m|s')$/i;
/** Distance weight against log frequency: one full edit outweighs a factor of e^7.5 in frequency (tuned on the development set: 3.4 -> 86.7%, 7.5 -> 90.3% top-1). */
const DISTANCE_WEIGHT = 7.5;
const PHONETIC_BONUS = 2.5;
const MAX_COST = 2.6;
/** Weighted distance beyond which a Capitalised sentence opener is taken for a name. */
const FAR_FOR_A_NAME = 1.5;
/** Words of a lower frequency rank are rare enough to be junk: no stems of derived words. */
const COMMON_RANK = 40_000;
/** The largest bonus `contextBonus` gives. */
const CONTEXT_MAX = 8;
/**
 * Bonus when the typed word is the candidate with letters left out ("stong" in "strong"):
 * omission is the commonest slip, and a vowel swap to a more frequent word ("sting") otherwise
 * won. Tuned on the development set (0 -> 92.3%, 3 -> 93.5% top-1; both halves alike).
 */
const OMISSION_BONUS = 3;

export interface Suggestion {
  word: string;
  score: number;
  distance: number;
}

/**
 * The English spelling engine: detection against a ~100k-word frequency lexicon, candidates
 * from a symmetric-delete index (distance 2), ranked by a noisy-channel score — log word
 * frequency, a weighted edit distance (keyboard neighbours, vowels, doubled letters,
 * transpositions) and a phonetic match — with bigram context from the neighbouring words, and
 * a learner-error dictionary applied first to non-words only. No I/O after construction.
 */
export class SpellingEngine {
  /** Word -> id (its frequency rank). */
  private readonly idOf = new Map<string, number>();
  private readonly words: string[] = [];
  /** log frequency by word id; ids are frequency ranks (the list is sorted by count). */
  private rankFreq = new Float64Array(0);
  private readonly index: SymSpellIndex;
  /** How well a word fits its neighbours (bigram counts by word id). */
  private readonly context: ContextModel;
  /** Real words learners confuse: word id -> the readings it is checked against. */
  private readonly confusions: Map<string, Reading[]>;
  /** 1 for the junk entries of the frequency lists, by word id. */
  private readonly junk: Uint8Array;
  /** Phonetic key ids by word id (0: not computed yet), interned lazily. */
  private phoneticIds = new Int32Array(0);
  private readonly phoneticKeys = new Map<string, number>();
  /** Letters a-z present in each word, as bits: an O(1) first bound on the distance. */
  private letterMasks = new Int32Array(0);
  /** Reused candidate buffer of `suggest` (ids are frequency ranks). */
  private candidates = new Int32Array(4096);
  /** Reused letter counts of the word being corrected. */
  private readonly bag = new LetterBag();

  /** Log odds by which an alternative must fit better to replace a real word, by change. */
  private readonly contextThresholds: ReadonlyMap<string, number>;

  /** Ranking weights; the defaults were tuned on the development set. */
  readonly weights: { distance: number; phonetic: number };

  constructor(
    options: {
      learnerErrors?: ReadonlyMap<string, string>;
      cacheDir?: string | null;
      weights?: { distance: number; phonetic: number };
      /**
       * For each change "written>meant" of a real word, the log odds by which "meant" must fit
       * better (a change not listed is never made); default: the tuned `CONTEXT_THRESHOLDS`.
       */
      contextThresholds?: ReadonlyMap<string, number>;
    } = {},
  ) {
    this.contextThresholds = options.contextThresholds ?? CONTEXT_THRESHOLDS;
    this.weights = options.weights ?? { distance: DISTANCE_WEIGHT, phonetic: PHONETIC_BONUS };
    this.learner = options.learnerErrors ?? LEARNER_ERRORS;
    const logFreq: number[] = [];
    let total = 0;
    const entries = unigrams();
    for (const [word, count] of entries) {
      this.idOf.set(word, this.words.length);
      this.words.push(word);
      logFreq.push(Math.log(count));
      total += count;
    }
    this.rankFreq = Float64Array.from(logFreq);
    this.phoneticIds = new Int32Array(this.words.length);
    this.letterMasks = Int32Array.from(this.words, letterMask);
    const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
    this.index = cached(
      cacheDir,
      this.words,
      { family: 'symspell-en-', version: 'v3-d2p7-', suffix: '.bin' },
      {
        build: () => SymSpellIndex.build(this.words),
        serialize: (index) => index.serialize(),
        deserialize: (bytes) => SymSpellIndex.deserialize(bytes, this.words),
      },
    );
    // Junk of the frequency lists: no word in lower case, never suggested (lexicon-cleanup.ts).
    const junk = cached(
      cacheDir,
      this.words,
      { family: 'junk-en-', version: 'v1-', suffix: '.txt', rules: JUNK_RULES },
      {
        build: () => junkEntries(entries),
        serialize: (list) => Buffer.from(list.join('\n')),
        deserialize: (bytes) => bytes.toString('utf8').split('\n'),
      },
    );
    this.junk = new Uint8Array(this.words.length);
    for (const word of junk) {
      const id = this.idOf.get(word);
      if (id !== undefined) this.junk[id] = 1;
    }
    const lines = bigramLines();
    const pairs = {
      count: 0,
      first: new Int32Array(lines.length),
      second: new Int32Array(lines.length),
      logCount: new Float64Array(lines.length),
    };
    for (const line of lines) {
      const parts = line.split(' ');
      if (parts.length !== 3) continue;
      const a = this.idOf.get(parts[0] as string);
      const b = this.idOf.get(parts[1] as string);
      if (a === undefined || b === undefined) continue;
      pairs.first[pairs.count] = a;
      pairs.second[pairs.count] = b;
      pairs.logCount[pairs.count] = Math.log(Number(parts[2])) - LOG_BIGRAM_SCALE;
      pairs.count++;
    }
    const words = this.words.length;
    const { count, first, second, logCount } = pairs;
    this.context = new ContextModel(
      this.rankFreq,
      BigramTable.build(words, { count, first, second, value: logCount }),
      BigramTable.build(words, { count, first: second, second: first, value: logCount }),
      total,
    );
    this.confusions = confusionsOf(this.idOf);
  }

  private readonly learner: ReadonlyMap<string, string>;

  /** The lexicon as `isDerived` asks for it. */
  private readonly lexicon: Lexicon = {
    has: (word) => {
      const id = this.idOf.get(word) ?? COMMON_RANK;
      return word.length > 2 && id < COMMON_RANK && this.junk[id] === 0;
    },
    pairListed: (first, second) => {
      const a = this.idOf.get(first);
      const b = this.idOf.get(second);
      return a !== undefined && b !== undefined && this.context.isListed(a, b);
    },
  };

  /**
   * True when the (single) word is spelled correctly. A junk entry of the frequency lists
   * ("hight", "som") is a word only Capitalised, as a name ("Hunan").
   */
  isWord(word: string): boolean {
    const lower = word.toLowerCase();
    const id = this.idOf.get(lower);
    if (id !== undefined && (this.junk[id] === 0 || lower !== word)) return true;
    if (SHORT_WORDS.has(lower)) return true;
    const apostrophe = lower.replace(/\u2019/g, "'");
    if (isContraction(apostrophe)) return true;
    const c = CONTRACTION.exec(apostrophe);
    return c !== null && this.idOf.has(c[1] as string);
  }

  /** Ranked corrections for a misspelled word (lowercase), best first. */
  suggest(typed: string, top = 5, previous?: string, next?: string): Suggestion[] {
    const lower = typed.toLowerCase();
    if (lower.length > 40) return [];
    const key = phoneticKey(lower);
    let keyId = this.phoneticKeys.get(key) ?? -1;
    const typedMask = letterMask(lower);
    let count = 0;
    this.index.forEachCandidate(lower, (id) => {
      if (count === this.candidates.length) {
        const grown = new Int32Array(this.candidates.length * 2);
        grown.set(this.candidates);
        this.candidates = grown;
      }
      this.candidates[count++] = id;
    });
    // Most frequent first: once even a perfect near-match could not enter the top N, stop.
    const ids = this.candidates.subarray(0, count).sort();
    // Candidates seen after the previous word, and before the next one.
    const prevId = previous === undefined ? undefined : this.idOf.get(previous.toLowerCase());
    const nextId = next === undefined ? undefined : this.idOf.get(next.toLowerCase());
    const follows = prevId === undefined ? undefined : this.context.rowAfter(prevId);
    const precedes = nextId === undefined ? undefined : this.context.rowBefore(nextId);
    const withContext = follows !== undefined || precedes !== undefined;
    const contextCeiling = withContext ? CONTEXT_MAX : 0;
    const { distance: distanceWeight, phonetic: phoneticBonus } = this.weights;
    const ceiling =
      phoneticBonus + OMISSION_BONUS + contextCeiling - distanceWeight * CHEAPEST_EDIT;
    const scored: Suggestion[] = [];
    const bag = this.bag.fill(lower);
    let floor = Number.NEGATIVE_INFINITY;
    for (const id of ids) {
      const freq = this.rankFreq[id] as number;
      if (freq + ceiling < floor) break;
      const word = this.words[id] as string;
      if (word === lower || this.junk[id] === 1) continue;
      // Cheapest checks first, each against the most the candidate could still gain: lower
      // bounds of its distance (letter sets, then letter counts), then its exact bonuses. Only
      // what is left is aligned, and the alignment gives up past the largest distance at which
      // the candidate could still enter the top N.
      const finite = Number.isFinite(floor);
      const room = finite ? (freq - floor) / distanceWeight : Number.POSITIVE_INFINITY;
      // Most candidates never follow or precede these neighbours: knowing the exact context
      // bonus first (two integer lookups) keeps their bounds as tight as without context.
      const context = withContext ? this.contextBonus(id, follows, precedes) : 0;
      const limit = Math.min(
        MAX_COST,
        room + (phoneticBonus + OMISSION_BONUS + context) / distanceWeight,
      );
      // Each letter the word has and the typed word lacks (or the reverse) costs an edit.
      const wordMask = this.letterMasks[id] as number;
      const lettersApart = Math.max(
        bitCount(wordMask & ~typedMask),
        bitCount(typedMask & ~wordMask),
      );
      if (lettersApart * CHEAPEST_EDIT > limit) continue;
      const bound = bag.bound(word, CHEAPEST_EDIT);
      if (bound > limit) continue;
      let candidateKey = this.phoneticIds[id] as number;
      if (candidateKey === 0) {
        const k = phoneticKey(word);
        candidateKey = this.phoneticKeys.get(k) ?? this.phoneticKeys.size + 1;
        this.phoneticKeys.set(k, candidateKey);
        this.phoneticIds[id] = candidateKey;
        if (k === key) keyId = candidateKey;
      }
      let bonus = candidateKey === keyId ? phoneticBonus : 0;
      if (word.length > lower.length && isSubsequence(lower, word)) bonus += OMISSION_BONUS;
      bonus += context;
      const allowed = finite
        ? Math.min(MAX_COST, (freq + bonus - floor) / distanceWeight)
        : MAX_COST;
      if (bound > allowed) continue;
      const distance = weightedDistance(lower, word, allowed);
      if (!Number.isFinite(distance)) continue;
      const score = freq - distanceWeight * distance + bonus;
      scored.push({ word, score, distance });
      if (scored.length >= top) {
        scored.sort((a, b) => b.score - a.score);
        scored.length = top;
        floor = (scored[top - 1] as Suggestion).score;
      }
    }
    scored.sort((a, b) => b.score - a.score);
    return scored.slice(0, top);
  }

  /** Bigram evidence for candidate `id` between its neighbours' follower/preceder tables. */
  private contextBonus(id: number, after?: BigramRow, before?: BigramRow): number {
    // How much more often the pair occurs than the word's own frequency would suggest.
    const freq = this.rankFreq[id] as number;
    const a = after?.get(id);
    const b = before?.get(id);
    const bonus =
      (a === undefined ? 0 : 0.35 * (a + LOG_BIGRAM_SCALE - freq + 10)) +
      (b === undefined ? 0 : 0.35 * (b + LOG_BIGRAM_SCALE - freq + 10));
    return Math.min(CONTEXT_MAX, Math.max(0, bonus));
  }

  /**
   * Correct a text. It changes only the misspelled words (case kept), and lists each
   * correction with its offsets in the original text.
   * @throws HuleEduError HULEEDU_UNSUPPORTED_LANGUAGE for a language other than English.
   */
  check(text: string, language = 'en'): SpellCheckOutcome {
    if (!SUPPORTED_LANGUAGES.includes(language)) {
      throw new HuleEduError(
        'HULEEDU_UNSUPPORTED_LANGUAGE',
        `language '${language}' is not supported (supported: ${SUPPORTED_LANGUAGES.join(', ')})`,
      );
    }
    const tokens = tokenize(text);
    const corrections: Correction[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token?.kind !== 'word') continue;
      const confusable = this.confusions.has(token.text.toLowerCase());
      // Most words are right and confuse nobody: no neighbours needed.
      if (!confusable && !token.text.includes('-') && this.isWord(token.text)) continue;
      const previous = adjacentWord(text, tokens, i, -1);
      const next = adjacentWord(text, tokens, i, 1);
      const real = confusable ? this.checkInContext(token.text, previous, next) : undefined;
      if (real) {
        corrections.push({
          start: token.start,
          end: token.end,
          original: token.text,
          replacement: real,
          source: 'context',
        });
        continue;
      }
      for (const part of this.partsToCheck(token.text, token.start)) {
        const fix = this.correctWord(part.text, text, part.start, previous, next);
        if (fix)
          corrections.push({
            start: part.start,
            end: part.start + part.text.length,
            original: part.text,
            ...fix,
          });
      }
    }
    if (corrections.length === 0) return { correctedText: text, corrections };
    let out = '';
    let last = 0;
    for (const c of corrections) {
      out += text.slice(last, c.start) + c.replacement;
      last = c.end;
    }
    return { correctedText: out + text.slice(last), corrections };
  }

  /**
   * A real word of a confusion set read against its alternatives between its neighbours: the
   * replacement when one of them fits the sentence better by more than the pair's threshold
   * (in log odds; `CONTEXT_THRESHOLDS`), else undefined. "of"
   * after a modal is also read as "have" ("could of been").
   */
  private checkInContext(word: string, previous?: string, next?: string): string | undefined {
    // Lower case or Capitalised only: "ITS" or "WHERE" in capitals is an acronym or a heading.
    if (word.length > 1 && /[A-Z]/.test(word.slice(1))) return undefined;
    const best = this.bestReading(word, previous, next);
    if (!best) return undefined;
    const lower = word.toLowerCase();
    const threshold = this.contextThresholds.get(`${lower}>${best.word}`);
    if (threshold === undefined) return undefined;
    return best.margin > threshold ? matchCase(word, best.word) : undefined;
  }

  /**
   * The alternative of a confusable real word that fits between its neighbours best, with the
   * log odds by which it fits better than the word written (`margin`, negative when it fits
   * worse). Undefined for a word of no confusion set or without neighbours.
   */
  bestReading(
    word: string,
    previous?: string,
    next?: string,
  ): { word: string; margin: number } | undefined {
    const lower = word.toLowerCase();
    let readings = this.confusions.get(lower);
    if (!readings) return undefined;
    const left = previous === undefined ? -1 : (this.idOf.get(previous.toLowerCase()) ?? -1);
    const right = next === undefined ? -1 : (this.idOf.get(next.toLowerCase()) ?? -1);
    if (left < 0 && right < 0) return undefined;
    if (lower === 'of' && previous !== undefined && MODALS.has(previous.toLowerCase())) {
      const have = this.idOf.get('have');
      if (have !== undefined) readings = [...readings, { word: 'have', expansions: [[have]] }];
    }
    // The word written gets the benefit of the doubt: a pair of it the list lacks counts for
    // more than the words' frequencies predict; an alternative's for what they predict.
    const fitOf = (r: Reading, benefit: boolean, from: number) => {
      let best = Number.NEGATIVE_INFINITY;
      for (const ids of r.expansions)
        best = Math.max(best, this.context.reading(ids, from, right, benefit));
      return best;
    };
    const ownReading = readings[0] as Reading;
    const own = fitOf(ownReading, true, left);
    let best: Reading | undefined;
    let bestMargin = Number.NEGATIVE_INFINITY;
    for (let k = 1; k < readings.length; k++) {
      const r = readings[k] as Reading;
      const margin = fitOf(r, false, left) - own;
      if (margin > bestMargin) {
        best = r;
        bestMargin = margin;
      }
    }
    if (!best) return undefined;
    return { word: best.word, margin: bestMargin };
  }

  /**
   * The parts of a word to check: the word itself, or for a hyphenated compound the parts that
   * are not right as they are. A compound the lexicon has whole ("mother-in-law"), a doubled word
   * ("yo-yo", "so-so") and a prefix before a hyphen ("ex-wife", "pre-school", "non-profit") are
   * right: checked alone, "ex" became "exp" and "yo" "you" (false alarms a teacher sees).
   */
  private partsToCheck(word: string, start: number): { text: string; start: number }[] {
    const parts = splitHyphens(word, start);
    if (parts.length === 1) return parts;
    if (this.isWord(word)) return [];
    const lower = parts.map((p) => p.text.toLowerCase());
    if (lower.every((p) => p === lower[0])) return [];
    return parts.filter(
      (_, i) => !(i < parts.length - 1 && HYPHEN_PREFIXES.has(lower[i] as string)),
    );
  }

  private correctWord(
    word: string,
    text: string,
    start: number,
    previous?: string,
    next?: string,
  ): Pick<Correction, 'replacement' | 'source'> | undefined {
    if (word.length < 2 || this.isWord(word)) return undefined;
    // ALL-CAPS tokens are acronyms; an unknown Capitalised word mid-sentence is probably a name.
    if (word === word.toUpperCase()) return undefined;
    // Mixed case after the first letter ("pH", "eBay", "iPhone") is a unit or a name, not a typo.
    if (/[A-Z]/.test(word.slice(1))) return undefined;
    if (word.charAt(0) !== word.charAt(0).toLowerCase() && !startsSentence(text, start))
      return undefined;
    if (/[^A-Za-z'\u2019]/.test(word)) return undefined; // accented or foreign words: leave alone
    // One letter and an apostrophe before a word: "o'clock", "d'etat", "y'all", not a typo.
    if (/^[a-z]['\u2019][a-z]{2,}$/i.test(word)) return undefined;
    const lower = word.toLowerCase();
    const learned = this.learner.get(lower);
    if (learned) return { replacement: matchCase(word, learned), source: 'learner_dictionary' };
    const form = learnerForm(lower, previous);
    if (form) return { replacement: matchCase(word, form), source: 'general' };
    if (isDerived(lower, this.lexicon)) return undefined;
    const best = this.suggest(lower, 1, previous, next)[0];
    if (!best) return undefined;
    // A Capitalised word opening a sentence far from every word is a name ("Dikembe" is not
    // "December"); a slip in a word stays near it.
    if (lower !== word && best.distance > FAR_FOR_A_NAME) return undefined;
    return { replacement: matchCase(word, best.word), source: 'general' };
  }
}

/** The letters a-z of `word` as bits 0-25. */
function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) - 97;
    if (c >= 0 && c < 26) mask |= 1 << c;
  }
  return mask;
}

/** Set bits in a 32-bit integer. */
function bitCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Whether `short` is `long` with letters left out (in order). */
function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (let j = 0; j < long.length && i < short.length; j++)
    if (short.charCodeAt(i) === long.charCodeAt(j)) i++;
  return i === short.length;
}

/** Where the index cache lives: `HULEEDU_CACHE_DIR`, else `.data/cache` under the working directory. */
export function defaultCacheDir(): string {
  return process.env.HULEEDU_CACHE_DIR ?? join(process.cwd(), '.data', 'cache');
}

/**
 * A file of the cache when it matches this lexicon (its name carries a fingerprint of the word
 * list and of the rules that make it), else built and cached atomically (temp file, rename); the caches of other lexicons or
 * formats of the same family are removed (dead weight). A cache that cannot be read or written
 * only costs time.
 */
function cached<T>(
  cacheDir: string | null,
  words: readonly string[],
  name: { family: string; version: string; suffix: string; rules?: string },
  make: { build(): T; serialize(value: T): Uint8Array; deserialize(bytes: Buffer): T },
): T {
  if (cacheDir === null) return make.build();
  const fingerprint = createHash('sha256')
    .update(`${name.rules ?? ''}\n${words.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  const file = join(cacheDir, `${name.family}${name.version}${fingerprint}${name.suffix}`);
  try {
    if (existsSync(file)) return make.deserialize(readFileSync(file));
  } catch {
    // corrupt or unreadable: rebuild below
  }
  const value = make.build();
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, make.serialize(value));
    renameSync(tmp, file);
    for (const old of readdirSync(cacheDir))
      if (old.startsWith(name.family) && old.endsWith(name.suffix) && join(cacheDir, old) !== file)
        rmSync(join(cacheDir, old), { force: true });
  } catch {
    // read-only location: keep it in memory only
  }
  return value;
}

/**
 * Real short words the lexicon leaves out (its one- and two-letter entries are mostly
 * abbreviations, dropped so that they are not suggested for typos): accepted, never suggested.
 * Checked as misspellings, "oh" became "on", "hi" "he", "ok" "oak", "ad" "add", "ye" "eye".
 */
const SHORT_WORDS = new Set([
  'ad',
  'ah',
  'aw',
  'ax',
  'ay',
  'eh',
  'em',
  'en',
  'er',
  'ex',
  'ha',
  'hi',
  'hm',
  'ho',
  'id',
  'lo',
  'ma',
  'mu',
  'nu',
  'oh',
  'ok',
  'ow',
  'ox',
  'pa',
  'pi',
  'uh',
  'um',
  'xi',
  'ye',
  'yo',
]);

/** Prefixes written with a hyphen ("ex-wife", "pre-school", "self-aware"): words before one. */
const HYPHEN_PREFIXES = new Set([
  'anti',
  'bi',
  'co',
  'counter',
  'de',
  'e',
  'ex',
  'inter',
  'intra',
  'macro',
  'mega',
  'micro',
  'mid',
  'mini',
  'multi',
  'neo',
  'non',
  'out',
  'over',
  'post',
  'pre',
  'pro',
  'pseudo',
  'quasi',
  're',
  'self',
  'semi',
  'sub',
  'super',
  'tri',
  'ultra',
  'un',
  'under',
  'vice',
  'x',
]);

function splitHyphens(word: string, start: number): { text: string; start: number }[] {
  if (!word.includes('-')) return [{ text: word, start }];
  const parts: { text: string; start: number }[] = [];
  let offset = start;
  for (const p of word.split('-')) {
    parts.push({ text: p, start: offset });
    offset += p.length + 1;
  }
  return parts;
}
