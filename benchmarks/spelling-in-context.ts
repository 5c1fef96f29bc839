/**
 * Scoring of a spell checker on the in-context development set (`spelling-dev-set.ts`): what it
 * changed in each sentence against the errors injected there.
 */
import { spawnSync } from 'node:child_process';
import type { DevSentence, ErrorKind } from './spelling-dev-set.ts';

/** One word a checker changed: UTF-16 offsets in the sentence it was given. */
export interface Change {
  start: number;
  end: number;
  replacement: string;
}

export interface InContextScore {
  /** Injected non-word errors changed to the right word. */
  nonWordFixed: number;
  /** Injected real-word errors changed to the right word. */
  realWordFixed: number;
  /** Changes that restored the right word, of all changes. */
  precision: number;
  /** Changes of words that were right, per 1,000 right words. */
  falseAlarmsPer1000: number;
  errors: Record<ErrorKind, number>;
  changes: number;
}

const WORDS = /[A-Za-z]+(?:['\u2019-][A-Za-z]+)*/g;

export function scoreInContext(
  set: readonly DevSentence[],
  changesOf: (sentence: DevSentence, index: number) => readonly Change[],
): InContextScore {
  const errors: Record<ErrorKind, number> = { 'non-word': 0, 'real-word': 0 };
  const fixed: Record<ErrorKind, number> = { 'non-word': 0, 'real-word': 0 };
  let changes = 0;
  let good = 0;
  let falseAlarms = 0;
  let rightWords = 0;
  set.forEach((sentence, index) => {
    for (const e of sentence.errors) errors[e.kind]++;
    rightWords += (sentence.text.match(WORDS)?.length ?? 0) - sentence.errors.length;
    for (const c of changesOf(sentence, index)) {
      changes++;
      const error = sentence.errors.find((e) => c.start < e.end && e.start < c.end);
      if (!error) {
        falseAlarms++;
        continue;
      }
      if (c.replacement.toLowerCase() === error.right.toLowerCase()) {
        good++;
        fixed[error.kind]++;
      }
    }
  });
  return {
    nonWordFixed: fixed['non-word'] / Math.max(1, errors['non-word']),
    realWordFixed: fixed['real-word'] / Math.max(1, errors['real-word']),
    precision: good / Math.max(1, changes),
    falseAlarmsPer1000: (1000 * falseAlarms) / Math.max(1, rightWords),
    errors,
    changes,
  };
}

/**
 * GNU Aspell's changes (its first suggestion for every word it flags), through the ispell pipe
 * protocol, one sentence per line. Null when Aspell is not installed.
 */
export function aspellChanges(set: readonly DevSentence[]): Change[][] | null {
  if (spawnSync('sh', ['-c', 'command -v aspell'], { stdio: 'ignore' }).status !== 0) return null;
  const r = spawnSync('aspell', ['-a', '--lang=en', '--sug-mode=normal'], {
    input: `${set.map((s) => `^${s.text}`).join('\n')}\n`,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  // After the version line, one block per input line, ended by an empty line.
  const blocks = r.stdout.split('\n').slice(1).join('\n').split('\n\n');
  return set.map((_, i) => {
    const out: Change[] = [];
    for (const line of (blocks[i] ?? '').split('\n')) {
      // "& word n offset: s1, s2" or "# word offset"; offsets count the leading "^".
      const m = /^& (\S+) \d+ (\d+): ([^,]+)/.exec(line);
      if (!m) continue;
      const start = Number(m[2]) - 1;
      out.push({ start, end: start + (m[1] as string).length, replacement: m[3] as string });
    }
    return out;
  });
}
