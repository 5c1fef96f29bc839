import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SpellingEngine } from '../services/spellchecker/spelling/index.ts';

/**
 * `huleedu suggest [--top N]`: one line out per line in, in order and as soon as each line is
 * read: the input word, then TAB-separated suggestions best first (none when the word is
 * correct or nothing is found).
 */
export async function suggestCommand(
  argv: readonly string[],
  out: NodeJS.WritableStream,
): Promise<number> {
  const i = argv.indexOf('--top');
  const top = i >= 0 ? Number(argv[i + 1]) : 5;
  if (!Number.isInteger(top) || top < 1) throw new Error('--top needs a positive integer');
  const engine = new SpellingEngine();
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const word = line.trim();
    const suggestions =
      word === '' || engine.isWord(word) ? [] : engine.suggest(word, top).map((s) => s.word);
    out.write(`${[line, ...suggestions].join('\t')}\n`);
  }
  return 0;
}

/** `huleedu spell FILE|- [--json] [--lang en]`: the corrected text, or the corrections as JSON. */
export function spellCommand(argv: readonly string[], out: NodeJS.WritableStream): number {
  const json = argv.includes('--json');
  const langAt = argv.indexOf('--lang');
  const language = langAt >= 0 ? (argv[langAt + 1] ?? 'en') : 'en';
  const file = argv.find((a, k) => !a.startsWith('--') && argv[k - 1] !== '--lang');
  if (!file) throw new Error('spell needs a FILE or - for standard input');
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const result = new SpellingEngine().check(text, language);
  if (json)
    out.write(
      `${JSON.stringify({ corrections: result.corrections, corrections_made: result.corrections.length, words_checked: text.split(/\s+/).filter(Boolean).length })}\n`,
    );
  else out.write(result.correctedText);
  return 0;
}
