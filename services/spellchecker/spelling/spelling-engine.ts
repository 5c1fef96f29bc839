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
import { CHEAPEST_EDIT, LetterBag, weightedDistance } from './edit-distance.ts';
import { bigramLines, unigrams } from './frequency-data.ts';
import { LEARNER_ERRORS } from './learner-errors.ts';
import { phoneticKey } from './phonetic.ts';
import { SymSpellIndex } from './symspell-index.ts';
import { startsSentence, tokenize } from './tokenize.ts';

/** Languages the engine implements. */
export const SUPPORTED_LANGUAGES: readonly string[] = ['en'];

const CONTRACTION = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m|s')$/i;
/** Distance weight against log frequency: one full edit outweighs a factor of e^7.5 in frequency (tuned on the development set: 3.4 -> 86.7%, 7.5 -> 90.3% top-1). */
const DISTANCE_WEIGHT = 7.5;
const PHONETIC_BONUS = 2.5;
const MAX_COST = 2.6;
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
  /**
   * Bigram evidence by word id: `followers.row(a).get(b)` is what seeing `a` before candidate `b`
   * adds to its score, `preceders.row(c).get(b)` what seeing `c` after it adds. Integer keys:
   * the lookup runs for many candidates of every misspelled word in a text.
   */
  private readonly followers: BigramTable;
  private readonly preceders: BigramTable;
  /** Phonetic key ids by word id (0: not computed yet), interned lazily. */
  private phoneticIds = new Int32Array(0);
  private readonly phoneticKeys = new Map<string, number>();
  /** Letters a-z present in each word, as bits: an O(1) first bound on the distance. */
  private letterMasks = new Int32Array(0);
  /** Reused candidate buffer of `suggest` (ids are frequency ranks). */
  private candidates = new Int32Array(4096);
  /** Reused letter counts of the word being corrected. */
  private readonly bag = new LetterBag();

  /** Ranking weights; the defaults were tuned on the development set. */
  readonly weights: { distance: number; phonetic: number };

  constructor(
    options: {
      learnerErrors?: ReadonlyMap<string, string>;
      cacheDir?: string | null;
      weights?: { distance: number; phonetic: number };
    } = {},
  ) {
    this.weights = options.weights ?? { distance: DISTANCE_WEIGHT, phonetic: PHONETIC_BONUS };
    this.learner = options.learnerErrors ?? LEARNER_ERRORS;
    const logFreq: number[] = [];
    for (const [word, count] of unigrams()) {
      this.idOf.set(word, this.words.length);
      this.words.push(word);
      logFreq.push(Math.log(count));
    }
    this.rankFreq = Float64Array.from(logFreq);
    this.phoneticIds = new Int32Array(this.words.length);
    this.letterMasks = Int32Array.from(this.words, letterMask);
    this.index = loadIndex(
      this.words,
      options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir,
    );
    const lines = bigramLines();
    const pairs = {
      count: 0,
      first: new Int32Array(lines.length),
      second: new Int32Array(lines.length),
      forFirst: new Float64Array(lines.length),
      forSecond: new Float64Array(lines.length),
    };
    for (const line of lines) {
      const parts = line.split(' ');
      if (parts.length !== 3) continue;
      const a = this.idOf.get(parts[0] as string);
      const b = this.idOf.get(parts[1] as string);
      if (a === undefined || b === undefined) continue;
      const logCount = Math.log(Number(parts[2]));
      // How much more often the pair occurs than the word's own frequency would suggest.
      pairs.first[pairs.count] = a;
      pairs.second[pairs.count] = b;
      pairs.forSecond[pairs.count] = 0.35 * (logCount - (this.rankFreq[b] as number) + 10);
      pairs.forFirst[pairs.count] = 0.35 * (logCount - (this.rankFreq[a] as number) + 10);
      pairs.count++;
    }
    const words = this.words.length;
    const { count, first, second } = pairs;
    this.followers = BigramTable.build(words, { count, first, second, value: pairs.forSecond });
    this.preceders = BigramTable.build(words, {
      count,
      first: second,
      second: first,
      value: pairs.forFirst,
    });
  }

  private readonly learner: ReadonlyMap<string, string>;

  /** True when the (single) word is spelled correctly. */
  isWord(word: string): boolean {
    const lower = word.toLowerCase();
    if (this.idOf.has(lower) || SHORT_WORDS.has(lower)) return true;
    const c = CONTRACTION.exec(lower.replace(/\u2019/g, "'"));
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
    const follows = prevId === undefined ? undefined : this.followers.row(prevId);
    const precedes = nextId === undefined ? undefined : this.preceders.row(nextId);
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
      if (word === lower) continue;
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
    const bonus = (after?.get(id) ?? 0) + (before?.get(id) ?? 0);
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
      for (const part of this.partsToCheck(token.text, token.start)) {
        const fix = this.correctWord(
          part.text,
          text,
          part.start,
          tokens[i - 1]?.text,
          tokens[i + 1]?.text,
        );
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
    const lower = word.toLowerCase();
    const learned = this.learner.get(lower);
    if (learned) return { replacement: matchCase(word, learned), source: 'learner_dictionary' };
    const best = this.suggest(lower, 1, previous, next)[0];
    if (!best) return undefined;
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
 * The symmetric-delete index from the cache when it matches this lexicon, else built and cached
 * (atomically: temp file, rename). A cache that cannot be read or written only costs time.
 */
function loadIndex(words: readonly string[], cacheDir: string | null): SymSpellIndex {
  if (cacheDir === null) return SymSpellIndex.build(words);
  const fingerprint = createHash('sha256').update(words.join('\n')).digest('hex').slice(0, 16);
  const file = join(cacheDir, `symspell-en-v3-d2p7-${fingerprint}.bin`);
  try {
    if (existsSync(file)) return SymSpellIndex.deserialize(readFileSync(file), words);
  } catch {
    // corrupt or unreadable: rebuild below
  }
  const index = SymSpellIndex.build(words);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, index.serialize());
    renameSync(tmp, file);
    // Caches of other lexicons or index formats are dead weight (tens of MB each).
    for (const old of readdirSync(cacheDir))
      if (/^symspell-en-.*\.bin$/.test(old) && join(cacheDir, old) !== file)
        rmSync(join(cacheDir, old), { force: true });
  } catch {
    // read-only location: keep the index in memory only
  }
  return index;
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
