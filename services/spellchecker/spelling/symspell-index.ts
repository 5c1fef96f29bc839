/**
 * Symmetric-delete candidate index (the SymSpell idea): every word's deletes up to distance 2
 * (of its first `prefixLength` letters) point back to the word, so a lookup only generates the
 * typed word's own deletes — a few dozen — instead of hundreds of thousands of edits.
 *
 * Deletes are never built as strings: each is a 64-bit hash (two 32-bit halves) of the letters
 * left after skipping one or two positions, found in an open-addressing table of hashes ->
 * offsets into one Int32Array of `count, ids...`. A hash collision can only add a candidate,
 * which the ranking verifies like any other; it cannot lose one. The table is a handful of
 * typed arrays, so the on-disk cache loads without parsing.
 */
export class SymSpellIndex {
  private constructor(
    readonly words: readonly string[],
    /** Hash halves and offsets by slot; an empty slot has offset -1. */
    private readonly slotHigh: Int32Array,
    private readonly slotLow: Int32Array,
    private readonly slotOffset: Int32Array,
    private readonly ids: Int32Array,
    private readonly maxDistance: number,
    private readonly prefixLength: number,
  ) {
    this.lengths = Uint8Array.from(words, (w) => Math.min(w.length, 255));
    this.stamp = new Int32Array(words.length);
  }

  /** Build from the lexicon (seconds for ~100k words: cache the result with `serialize`). */
  static build(words: readonly string[], maxDistance = 2, prefixLength = 7): SymSpellIndex {
    if (maxDistance > 2 || prefixLength > 64) throw new RangeError('distance <= 2, prefix <= 64');
    const lists = new Map<string, { high: number; low: number; ids: number[] }>();
    const codes = new Int32Array(prefixLength);
    for (let id = 0; id < words.length; id++) {
      const word = words[id] as string;
      const n = Math.min(word.length, prefixLength);
      for (let i = 0; i < n; i++) codes[i] = word.charCodeAt(i);
      forEachDelete(codes, n, maxDistance, (high, low) => {
        const key = `${high}:${low}`;
        const list = lists.get(key);
        if (!list) lists.set(key, { high, low, ids: [id] });
        else if (list.ids[list.ids.length - 1] !== id) list.ids.push(id);
      });
    }
    let total = 0;
    for (const l of lists.values()) total += l.ids.length + 1;
    const ids = new Int32Array(total);
    const capacity = tableSize(lists.size);
    const slotHigh = new Int32Array(capacity);
    const slotLow = new Int32Array(capacity);
    const slotOffset = new Int32Array(capacity).fill(-1);
    let o = 0;
    for (const { high, low, ids: l } of lists.values()) {
      let slot = high & (capacity - 1);
      while (slotOffset[slot] !== -1) slot = (slot + 1) & (capacity - 1);
      slotHigh[slot] = high;
      slotLow[slot] = low;
      slotOffset[slot] = o;
      ids[o++] = l.length;
      ids.set(l, o);
      o += l.length;
    }
    return new SymSpellIndex(words, slotHigh, slotLow, slotOffset, ids, maxDistance, prefixLength);
  }

  /** Binary cache form: a header, then the slot arrays and the id array. */
  serialize(): Buffer {
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(FORMAT, 0);
    header.writeUInt32LE(this.slotOffset.length, 4);
    header.writeUInt32LE(this.ids.length, 8);
    header.writeUInt32LE(this.maxDistance, 12);
    header.writeUInt32LE(this.prefixLength, 16);
    header.writeUInt32LE(this.words.length, 20);
    const bytes = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return Buffer.concat([
      header,
      bytes(this.slotHigh),
      bytes(this.slotLow),
      bytes(this.slotOffset),
      bytes(this.ids),
    ]);
  }

  static deserialize(buffer: Buffer, words: readonly string[]): SymSpellIndex {
    const corrupt = () => new Error('corrupt spelling index cache');
    if (buffer.length < HEADER_BYTES || buffer.readUInt32LE(0) !== FORMAT) throw corrupt();
    const capacity = buffer.readUInt32LE(4);
    const idCount = buffer.readUInt32LE(8);
    if (buffer.readUInt32LE(20) !== words.length) throw corrupt();
    if (buffer.length !== HEADER_BYTES + 4 * (3 * capacity + idCount)) throw corrupt();
    // Copy into an aligned buffer (a file read's Buffer may start at any byte).
    const all = new Int32Array(3 * capacity + idCount);
    new Uint8Array(all.buffer).set(buffer.subarray(HEADER_BYTES));
    return new SymSpellIndex(
      words,
      all.subarray(0, capacity),
      all.subarray(capacity, 2 * capacity),
      all.subarray(2 * capacity, 3 * capacity),
      all.subarray(3 * capacity),
      buffer.readUInt32LE(12),
      buffer.readUInt32LE(16),
    );
  }

  private readonly stamp: Int32Array;
  private generation = 0;
  /** Word lengths by id: the length filter runs for every visited id, a string's length is a pointer away. */
  private readonly lengths: Uint8Array;
  private readonly codes = new Int32Array(64);
  private readonly seenHigh = new Int32Array(64);
  private readonly seenLow = new Int32Array(64);

  /**
   * Calls `visit` once for each word within `maxDistance` deletes-on-both-sides of `typed` whose
   * length differs by at most `maxDistance` (a superset of the real matches: verify them).
   */
  forEachCandidate(typed: string, visit: (id: number) => void): void {
    const gen = ++this.generation;
    const len = typed.length;
    const n = Math.min(len, this.prefixLength);
    for (let i = 0; i < n; i++) this.codes[i] = typed.charCodeAt(i);
    const { ids, stamp, lengths, maxDistance, slotHigh, slotLow, slotOffset } = this;
    const mask = slotOffset.length - 1;
    let seen = 0;
    forEachDelete(this.codes, n, maxDistance, (high, low) => {
      // The same delete can come from different positions ("aab" minus either "a").
      for (let s = 0; s < seen; s++)
        if (this.seenHigh[s] === high && this.seenLow[s] === low) return;
      if (seen < this.seenHigh.length) {
        this.seenHigh[seen] = high;
        this.seenLow[seen++] = low;
      }
      let slot = high & mask;
      for (;;) {
        const o = slotOffset[slot] as number;
        if (o === -1) return;
        if (slotHigh[slot] === high && slotLow[slot] === low) {
          const end = o + (ids[o] as number);
          for (let k = o + 1; k <= end; k++) {
            const id = ids[k] as number;
            if (stamp[id] === gen) continue;
            stamp[id] = gen;
            const d = (lengths[id] as number) - len;
            if (d <= maxDistance && d >= -maxDistance) visit(id);
          }
          return;
        }
        slot = (slot + 1) & mask;
      }
    });
  }
}

const FORMAT = 0x53593301; // "SY3" + version 1
const HEADER_BYTES = 24;

/** A power of two at least twice `keys` (open addressing stays short at load <= 0.5). */
function tableSize(keys: number): number {
  let size = 1024;
  while (size < keys * 2) size *= 2;
  return size;
}

/**
 * Calls `emit(high, low)` with the hash of the letters `codes[0..n)` itself and of every way of
 * deleting one, then two positions (as a set of strings: deletes stop at one letter, as the
 * string form did). Two independent FNV-style halves make a 64-bit hash.
 */
function forEachDelete(
  codes: Int32Array,
  n: number,
  maxDistance: number,
  emit: (high: number, low: number) => void,
): void {
  const hash = (skipA: number, skipB: number): void => {
    let high = 0x811c9dc5 | 0;
    let low = 0x3c6ef372 | 0;
    for (let i = 0; i < n; i++) {
      if (i === skipA || i === skipB) continue;
      const c = codes[i] as number;
      high = Math.imul(high ^ c, 0x01000193);
      low = Math.imul(low ^ c, 0x5bd1e995);
      low ^= low >>> 15;
    }
    emit(high, low);
  };
  hash(-1, -1);
  if (maxDistance < 1 || n <= 1) return;
  for (let a = 0; a < n; a++) hash(a, -1);
  if (maxDistance < 2 || n <= 2) return;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) hash(a, b);
}
