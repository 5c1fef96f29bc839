/** One row of a `BigramTable`: the words seen beside one word, with their evidence. */
export class BigramRow {
  constructor(
    /** Word ids, ascending. */
    private readonly ids: Int32Array,
    private readonly values: Float64Array,
  ) {}

  /** The evidence for word `id` in this row, or undefined (binary search). */
  get(id: number): number | undefined {
    let lo = 0;
    let hi = this.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.ids[mid] as number;
      if (at === id) return this.values[mid];
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/**
 * Pairs of word ids with a value, as rows by the first id: three flat arrays (row offsets,
 * second ids ascending within a row, values) instead of a Map of Maps. The engine keeps two (a
 * word's followers, its preceders) of ~240,000 pairs each: as nested Maps they took tens of MB
 * of heap and hundreds of thousands of objects; flat, ~6 MB and a few objects. A pair given
 * twice keeps its last value, as `Map.set` did.
 */
export class BigramTable {
  private constructor(
    private readonly offsets: Int32Array,
    private readonly ids: Int32Array,
    private readonly values: Float64Array,
  ) {}

  /**
   * @param words how many word ids there are (ids are 0 .. words-1)
   * @param pairs `count` pairs: first ids, second ids and values at the same positions
   */
  static build(
    words: number,
    pairs: { count: number; first: Int32Array; second: Int32Array; value: Float64Array },
  ): BigramTable {
    const { count, first, second, value } = pairs;
    // Counting sort by first id: offsets[a] .. offsets[a + 1] is row a.
    const offsets = new Int32Array(words + 1);
    for (let i = 0; i < count; i++) (offsets[(first[i] as number) + 1] as number)++;
    for (let a = 0; a < words; a++)
      offsets[a + 1] = (offsets[a + 1] as number) + (offsets[a] as number);
    const fill = offsets.slice(0, words);
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[(fill[first[i] as number] as number)++] = i;
    // Within a row: by second id, later pairs after earlier ones, so the last of a repeat wins.
    const ids = new Int32Array(count);
    const values = new Float64Array(count);
    const out = new Int32Array(words + 1);
    let n = 0;
    for (let a = 0; a < words; a++) {
      out[a] = n;
      const row = Array.from(order.subarray(offsets[a], offsets[a + 1])).sort(
        (x, y) => (second[x] as number) - (second[y] as number) || x - y,
      );
      for (const i of row) {
        if (n > (out[a] as number) && ids[n - 1] === second[i]) n--;
        ids[n] = second[i] as number;
        values[n] = value[i] as number;
        n++;
      }
    }
    out[words] = n;
    return new BigramTable(out, ids.slice(0, n), values.slice(0, n));
  }

  /** The value of the pair (a, b), or undefined (binary search in row a; nothing allocated). */
  get(a: number, b: number): number | undefined {
    const start = this.offsets[a];
    const end = this.offsets[a + 1];
    if (start === undefined || end === undefined) return undefined;
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.ids[mid] as number;
      if (at === b) return this.values[mid];
      if (at < b) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Row `a`, or undefined when word `a` has no pair. */
  row(a: number): BigramRow | undefined {
    const start = this.offsets[a];
    const end = this.offsets[a + 1];
    if (start === undefined || end === undefined || start === end) return undefined;
    return new BigramRow(this.ids.subarray(start, end), this.values.subarray(start, end));
  }

  /** How many pairs the table holds. */
  get size(): number {
    return this.ids.length;
  }
}
