/** A token of a text with its UTF-16 offsets; `kind` says whether it may be spell-checked. */
export interface Token {
  text: string;
  start: number;
  end: number;
  kind: 'word' | 'skip';
}

// Order matters: URLs and e-mail addresses before words; anything with a digit is skipped.
const TOKEN =
  /(?:https?:\/\/|www\.)[^\s<>"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[A-Za-z]*\d[\w]*|[A-Za-z\u00C0-\u024F]+(?:['\u2019-][A-Za-z\u00C0-\u024F]+)*/g;

/** Split a text into checkable words and tokens to leave alone; everything between stays as is. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const t = m[0];
    const word =
      /^[A-Za-z\u00C0-\u024F]/.test(t) &&
      !/\d/.test(t) &&
      !t.includes('@') &&
      !/^(https?:|www\.)/i.test(t);
    out.push({ text: t, start: m.index, end: m.index + t.length, kind: word ? 'word' : 'skip' });
  }
  return out;
}

/** True when the token starts a sentence: only spaces/quotes/brackets since the last . ! ? or the start. */
export function startsSentence(text: string, start: number): boolean {
  for (let i = start - 1; i >= 0; i--) {
    const c = text.charAt(i);
    if (c === '.' || c === '!' || c === '?' || c === '\n') return true;
    if (!/[\s"'“‘([]/.test(c)) return false;
  }
  return true;
}

/**
 * The word token beside token `i` (`step` -1: before, 1: after) when only spaces lie between
 * them: across punctuation the neighbour is no context.
 */
export function adjacentWord(
  text: string,
  tokens: readonly Token[],
  i: number,
  step: -1 | 1,
): string | undefined {
  const other = tokens[i + step];
  const token = tokens[i] as Token;
  if (other?.kind !== 'word') return undefined;
  const from = step < 0 ? other.end : token.end;
  const to = step < 0 ? token.start : other.start;
  if (from === to) return undefined;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9) return undefined;
  }
  return other.text;
}
