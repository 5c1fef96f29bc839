import { diffArrays } from 'diff';

/** One change the spell checker made, located in the original text. */
export interface TextCorrection {
  /** UTF-16 offsets into the original text, end exclusive. */
  start: number;
  end: number;
  original: string;
  replacement: string;
}

/** Words, and the runs of anything else between them, so that a diff aligns on whole words. */
const TOKENS = /[\p{L}\p{N}'’-]+|[^\p{L}\p{N}'’-]+/gu;

/**
 * The corrections that turn `original` into `corrected`. The spell checker keeps the text byte
 * for byte except the words it replaces, so a word-level diff recovers exactly its changes
 * (a replaced run of tokens becomes one correction, e.g. "alot" -> "a lot").
 */
export function correctionsBetween(original: string, corrected: string): TextCorrection[] {
  if (original === corrected) return [];
  const a = original.match(TOKENS) ?? [];
  const b = corrected.match(TOKENS) ?? [];
  const out: TextCorrection[] = [];
  let offset = 0;
  let pending: TextCorrection | undefined;
  const flush = (): void => {
    if (pending) out.push(pending);
    pending = undefined;
  };
  for (const part of diffArrays(a, b)) {
    const text = part.value.join('');
    if (!part.added && !part.removed) {
      flush();
      offset += text.length;
      continue;
    }
    pending ??= { start: offset, end: offset, original: '', replacement: '' };
    if (part.removed) {
      pending.original += text;
      pending.end += text.length;
      offset += text.length;
    } else pending.replacement += text;
  }
  flush();
  return mergeSplitReplacements(original, out);
}

/**
 * A replacement that adds or removes words ("alot" -> "a lot") can come out of the diff as a
 * change, an equal space and an insertion. Changes separated by white space only, one of them a
 * pure insertion or deletion, are one correction; white space both sides share is trimmed off.
 */
function mergeSplitReplacements(original: string, changes: TextCorrection[]): TextCorrection[] {
  const merged: TextCorrection[] = [];
  for (const c of changes) {
    const prev = merged[merged.length - 1];
    const gap = prev ? original.slice(prev.end, c.start) : '';
    const oneSided = (x: TextCorrection) => x.original === '' || x.replacement === '';
    if (prev && /^\s*$/.test(gap) && (oneSided(prev) || oneSided(c))) {
      prev.original += gap + c.original;
      prev.replacement += gap + c.replacement;
      prev.end = c.end;
    } else merged.push({ ...c });
  }
  for (const c of merged) {
    while (
      c.original.length > 0 &&
      c.replacement.length > 0 &&
      /\s/.test(c.original.at(-1) as string) &&
      c.original.at(-1) === c.replacement.at(-1)
    ) {
      c.original = c.original.slice(0, -1);
      c.replacement = c.replacement.slice(0, -1);
      c.end--;
    }
    while (
      c.original.length > 0 &&
      c.replacement.length > 0 &&
      /\s/.test(c.original[0] as string) &&
      c.original[0] === c.replacement[0]
    ) {
      c.original = c.original.slice(1);
      c.replacement = c.replacement.slice(1);
      c.start++;
    }
  }
  return merged;
}
