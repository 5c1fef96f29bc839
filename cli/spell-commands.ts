import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SpellingEngine } from '../services/spellchecker/spelling/index.ts';
import { UsageError } from './usage-error.ts';

/**
 * `huleedu suggest [--top N]`: one line out per line in, in order and as soon as each line is
 * read: the input word, then TAB-separated suggestions best first (none when the word is
 * correct or nothing is found).
 */
export async function suggestCommand(
  argv: readonly string[],
  out: NodeJS.WritableStream,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { top: { type: 'string', default: '5' } },
  });
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new UsageError('huleedu suggest [--top N] (N ≥ 1)');
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
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, lang: { type: 'string', default: 'en' } },
  });
  const json = values.json;
  const language = values.lang;
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('huleedu spell FILE|- [--json] [--lang en]');
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const result = new SpellingEngine().check(text, language);
  if (json)
    out.write(
      `${JSON.stringify({ corrections: result.corrections, corrections_made: result.corrections.length, words_checked: text.split(/\s+/).filter(Boolean).length })}\n`,
    );
  else out.write(result.correctedText);
  return 0;
}
