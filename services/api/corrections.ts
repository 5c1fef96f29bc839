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
  return out;
}
