const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const VOWELS = 'aeiouy';
const A = 97;

/**
 * What each kind of slip costs (1 = an arbitrary edit). The priors are the classic findings on
 * spelling errors — first letters are rarely wrong, omissions outnumber insertions, "r" and the
 * "h" of a digraph are the letters most often left out, vowels are confused and swapped — and
 * the values were tuned on the development set, checked on each half of it separately (top-1
 * 90.9% -> 92.3% with these, both halves alike). No cost is below `CHEAPEST_EDIT`: the pruning relies
 * on it.
 */
/** The cheapest edit of all (a doubled letter added or dropped, two vowels swapped). */
export const CHEAPEST_EDIT = 0.45;

const COSTS = Object.freeze({
  /** Added to an edit at the first letter. */
  firstLetter: 0.4,
  /** A letter of the word left out: "r", the "h" of ch/sh/th/gh/wh/ph, a vowel, any other. */
  missingR: 0.7,
  missingH: 0.7,
  missingVowel: 0.8,
  missing: 0.85,
  /** A letter typed that the word lacks: at the end, anywhere else. */
  extraEnd: 1.2,
  extra: 1,
  /** Two letters swapped: two vowels ("recieve"), any other pair. */
  vowelTransposition: 0.45,
  transposition: 0.6,
  /** One letter for another: keyboard neighbours, c/k/s/z, two vowels. */
  neighbour: 0.65,
  sibilant: 0.6,
  vowel: 0.55,
});

/** Cost of typing letter `got` where `want` was meant, for a-z (27 x 27 with "other" as 26). */
const SUBSTITUTION = (() => {
  const pos = new Map<string, [number, number]>();
  for (const [r, row] of ROWS.entries())
    for (const [c, ch] of [...row].entries()) pos.set(ch, [r, c + r * 0.5]);
  const table = new Float64Array(27 * 27).fill(1);
  for (let w = 0; w < 26; w++) {
    for (let g = 0; g < 26; g++) {
      const cw = String.fromCharCode(A + w);
      const cg = String.fromCharCode(A + g);
      let cost = 1;
      const pw = pos.get(cw);
      const pg = pos.get(cg);
      if (pw && pg && Math.abs(pw[0] - pg[0]) <= 1 && Math.abs(pw[1] - pg[1]) <= 1.01)
        cost = COSTS.neighbour;
      if (
        (cw === 'c' && (cg === 'k' || cg === 's')) ||
        (cw === 's' && (cg === 'c' || cg === 'z')) ||
        (cw === 'z' && cg === 's')
      )
        cost = COSTS.sibilant;
      if (VOWELS.includes(cw) && VOWELS.includes(cg)) cost = COSTS.vowel;
      table[w * 27 + g] = cost;
    }
  }
  return table;
})();

const R = 114;
const H = 104;
const DIGRAPH_HEAD = new Int8Array(128);
for (const c of 'cstgwp') DIGRAPH_HEAD[c.charCodeAt(0)] = 1;

const ROW_CAPACITY = 64;
const rows = [
  new Float64Array(ROW_CAPACITY),
  new Float64Array(ROW_CAPACITY),
  new Float64Array(ROW_CAPACITY),
];
const typedCodes = new Int32Array(ROW_CAPACITY + 2);
const wordCodes = new Int32Array(ROW_CAPACITY + 2);

function letterIndex(code: number): number {
  const i = code - A;
  return i >= 0 && i < 26 ? i : 26;
}

/**
 * Weighted Damerau-Levenshtein (optimal string alignment) distance from the typed word to a
 * candidate: vowel swaps, keyboard neighbours, doubled or undoubled letters and
 * transpositions are cheaper than arbitrary edits. Returns `Infinity` past `max`.
 * Runs for every candidate of every misspelled word, so it works on char codes in reused rows.
 */
export function weightedDistance(typed: string, word: string, max = 3): number {
  const n = typed.length;
  const m = word.length;
  if (Math.abs(n - m) * CHEAPEST_EDIT > max || n + 2 > ROW_CAPACITY || m + 2 > ROW_CAPACITY)
    return Number.POSITIVE_INFINITY;
  // Codes with a sentinel (-1) on both sides, so neighbours can be read without bounds checks.
  typedCodes[0] = -1;
  for (let i = 0; i < n; i++) typedCodes[i + 1] = typed.charCodeAt(i);
  typedCodes[n + 1] = -1;
  wordCodes[0] = -1;
  for (let j = 0; j < m; j++) wordCodes[j + 1] = word.charCodeAt(j);
  wordCodes[m + 1] = -1;
  let prev2 = rows[0] as Float64Array;
  let prev = rows[1] as Float64Array;
  let cur = rows[2] as Float64Array;
  const first = COSTS.firstLetter;
  prev[0] = 0;
  for (let j = 1; j <= m; j++) prev[j] = j + first;
  let previousRowMin = 0;
  for (let i = 1; i <= n; i++) {
    cur[0] = i + first;
    const t = typedCodes[i] as number;
    const tPrev = typedCodes[i - 1] as number;
    const tNext = typedCodes[i + 1] as number;
    const tLetter = letterIndex(t);
    // An extra letter in the typed word is cheap when it doubles its neighbour.
    let extra = t === tPrev || t === tNext ? 0.45 : i === n ? COSTS.extraEnd : COSTS.extra;
    if (i === 1) extra += first;
    let rowMin = cur[0] as number;
    for (let j = 1; j <= m; j++) {
      const w = wordCodes[j] as number;
      let best: number;
      if (t === w) {
        best = prev[j - 1] as number;
      } else {
        // A letter left out is cheap when it is doubled in the word, cheaper when a vowel.
        const wPrev = wordCodes[j - 1] as number;
        let missing =
          w === wPrev || w === wordCodes[j + 1]
            ? 0.45
            : VOWEL_CODE[w] === 1
              ? COSTS.missingVowel
              : w === R
                ? COSTS.missingR
                : w === H && DIGRAPH_HEAD[wPrev & 127] === 1
                  ? COSTS.missingH
                  : COSTS.missing;
        if (j === 1) missing += first;
        const ins = (prev[j] as number) + extra;
        const del = (cur[j - 1] as number) + missing;
        let sub = (prev[j - 1] as number) + (SUBSTITUTION[letterIndex(w) * 27 + tLetter] as number);
        if (i === 1 && j === 1) sub += first;
        best = Math.min(ins, del);
        if (sub < best) best = sub;
        if (i > 1 && j > 1 && t === wPrev && tPrev === w) {
          const tr =
            (prev2[j - 2] as number) +
            (VOWEL_CODE[t & 127] === 1 && VOWEL_CODE[w & 127] === 1
              ? COSTS.vowelTransposition
              : COSTS.transposition);
          if (tr < best) best = tr;
        }
      }
      cur[j] = best;
      if (best < rowMin) rowMin = best;
    }
    // Every alignment passes through this row or, by a transposition, jumps from the previous
    // one over it: only when both are past `max` is the distance.
    if (rowMin > max && previousRowMin > max) return Number.POSITIVE_INFINITY;
    previousRowMin = rowMin;
    const spare = prev2;
    prev2 = prev;
    prev = cur;
    cur = spare;
  }
  const d = prev[m] as number;
  return d > max ? Number.POSITIVE_INFINITY : d;
}

const VOWEL_CODE = new Int8Array(128);
for (const v of VOWELS) VOWEL_CODE[v.charCodeAt(0)] = 1;

/**
 * The letter counts of one typed word, to bound its distance to many candidates cheaply: every
 * edit changes the counts by at most one letter in and one out and costs at least
 * `minEditCost`, so max(letters missing, letters extra) x minEditCost never exceeds the weighted
 * distance (unit-tested). Filled once per typed word; each bound then reads the candidate only.
 */
export class LetterBag {
  private readonly counts = new Int32Array(128);
  private typed = '';
  private letters = 0;

  fill(typed: string): this {
    for (let i = 0; i < this.typed.length; i++) this.counts[this.typed.charCodeAt(i) & 127] = 0;
    this.typed = typed;
    this.letters = 0;
    for (let i = 0; i < typed.length; i++) {
      const c = typed.charCodeAt(i);
      if (c >= 128) continue;
      this.counts[c] = (this.counts[c] as number) + 1;
      this.letters++;
    }
    return this;
  }

  bound(word: string, minEditCost: number): number {
    const counts = this.counts;
    let missing = 0; // letters of the word that the typed word lacks
    let letters = 0;
    for (let j = 0; j < word.length; j++) {
      const c = word.charCodeAt(j);
      if (c >= 128) continue;
      letters++;
      const left = (counts[c] as number) - 1;
      counts[c] = left;
      if (left < 0) missing++;
    }
    for (let j = 0; j < word.length; j++) {
      const c = word.charCodeAt(j);
      if (c < 128) counts[c] = (counts[c] as number) + 1;
    }
    // Typed letters the word did not use.
    const extra = this.letters - (letters - missing);
    return Math.max(missing, extra) * minEditCost;
  }
}

/** `LetterBag`'s bound for one pair (tests; the engine reuses one bag per typed word). */
export function letterBoundDistance(typed: string, word: string, minEditCost: number): number {
  return new LetterBag().fill(typed).bound(word, minEditCost);
}
