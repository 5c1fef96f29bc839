/** Give `replacement` the case pattern of `original`: lower, Capitalised or ALL CAPS. */
export function matchCase(original: string, replacement: string): string {
  if (
    original.length > 1 &&
    original === original.toUpperCase() &&
    original !== original.toLowerCase()
  ) {
    return replacement.toUpperCase();
  }
  const first = original.charAt(0);
  if (first !== first.toLowerCase())
    return replacement.charAt(0).toUpperCase() + replacement.slice(1);
  return replacement;
}
