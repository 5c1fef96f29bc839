const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const VOWELS = 'aeiouy';
const A = 97;

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
      if (pw && pg && Math.abs(pw[0] - pg[0]) <= 1 && Math.abs(pw[1] - pg[1]) <= 1.01) cost = 0.65; // keyboard neighbours
      if (
        (cw === 'c' && (cg === 'k' || cg === 's')) ||
        (cw === 's' && (cg === 'c' || cg === 'z')) ||
        (cw === 'z' && cg === 's')
      )
        cost = 0.6;
      if (VOWELS.includes(cw) && VOWELS.includes(cg)) cost = 0.55; // vowel confusion: the commonest learner error
      table[w * 27 + g] = cost;
    }
  }
  return table;
})();

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
  if (Math.abs(n - m) > max + 1 || n + 2 > ROW_CAPACITY || m + 2 > ROW_CAPACITY)
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
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const t = typedCodes[i] as number;
    const tPrev = typedCodes[i - 1] as number;
    const tNext = typedCodes[i + 1] as number;
    const tLetter = letterIndex(t);
    // An extra letter in the typed word is cheap when it doubles its neighbour.
    const extra = t === tPrev || t === tNext ? 0.45 : 1;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const w = wordCodes[j] as number;
      let best: number;
      if (t === w) {
        best = prev[j - 1] as number;
      } else {
        // A letter left out is cheap when it is doubled in the word, cheaper when a vowel.
        const wPrev = wordCodes[j - 1] as number;
        const missing =
          w === wPrev || w === wordCodes[j + 1] ? 0.45 : VOWEL_CODE[w] === 1 ? 0.8 : 1;
        const ins = (prev[j] as number) + extra;
        const del = (cur[j - 1] as number) + missing;
        const sub =
          (prev[j - 1] as number) + (SUBSTITUTION[letterIndex(w) * 27 + tLetter] as number);
        best = Math.min(ins, del);
        if (sub < best) best = sub;
        if (i > 1 && j > 1 && t === wPrev && tPrev === w) {
          const tr = (prev2[j - 2] as number) + 0.6;
          if (tr < best) best = tr;
        }
      }
      cur[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > max) return Number.POSITIVE_INFINITY;
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

const bagTyped = new Int32Array(128);

/**
 * A lower bound of `weightedDistance` that costs O(n + m): every edit changes the letter counts
 * by at most one letter in and one out, and costs at least `minEditCost`. Lets the ranking skip
 * the full alignment for most candidates without changing any result.
 */
export function letterBoundDistance(typed: string, word: string, minEditCost: number): number {
  for (let i = 0; i < typed.length; i++) {
    const c = typed.charCodeAt(i);
    if (c < 128) bagTyped[c] = (bagTyped[c] as number) + 1;
  }
  let missing = 0; // letters of the word that the typed word lacks
  for (let j = 0; j < word.length; j++) {
    const c = word.charCodeAt(j);
    if (c >= 128) continue;
    const left = (bagTyped[c] as number) - 1;
    bagTyped[c] = left;
    if (left < 0) missing++;
  }
  let extra = 0; // letters typed that the word lacks
  for (let i = 0; i < typed.length; i++) {
    const c = typed.charCodeAt(i);
    if (c >= 128) continue;
    const v = bagTyped[c] as number;
    if (v > 0) extra += v;
    bagTyped[c] = 0;
  }
  for (let j = 0; j < word.length; j++) {
    const c = word.charCodeAt(j);
    if (c < 128) bagTyped[c] = 0;
  }
  return Math.max(missing, extra) * minEditCost;
}
