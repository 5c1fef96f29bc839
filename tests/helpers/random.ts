/** A small deterministic generator (LCG), so that a randomised test's failure reproduces. */
export function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}
