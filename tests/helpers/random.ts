/** A small deterministic generator (LCG), so that a randomised test's failure reproduces. */
export function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** A word of 1 to `maxLength` letters drawn from `letters` by `rand`. */
export function randomWord(rand: () => number, letters: string, maxLength: number): string {
  return Array.from(
    { length: 1 + Math.floor(rand() * maxLength) },
    () => letters[Math.floor(rand() * letters.length)],
  ).join('');
}
