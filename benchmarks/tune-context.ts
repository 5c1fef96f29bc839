/**
 * Tunes the real-word thresholds (`CONTEXT_THRESHOLDS` in
 * services/spellchecker/spelling/confusion-sets.ts) on the development half of the in-context
 * set: for each change "written>meant", the threshold that best trades fixed errors against
 * false alarms (each false alarm weighs `--cost` fixes: precision first). Prints the table to
 * paste, and the figures of both halves with it.
 *   npm run tune:context -- [--cost 2] [--floor 1]
 */
import { SpellingEngine } from '../services/spellchecker/spelling/spelling-engine.ts';
import { adjacentWord, tokenize } from '../services/spellchecker/spelling/tokenize.ts';
import { numberArg } from './bench-output.ts';
import { buildDevSet, type DevSentence } from './spelling-dev-set.ts';
import { scoreInContext } from './spelling-in-context.ts';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const cost = numberArg('cost', 2);
/** No threshold below this: a few dozen sentences of a pair cannot vouch for less. */
const floor = numberArg('floor', 1);
const engine = new SpellingEngine();

/** Every confusable word of the set with its best alternative's margin, and whether that fixes an error. */
function margins(set: readonly DevSentence[]) {
  const out: { pair: string; margin: number; fixes: boolean }[] = [];
  for (const s of set) {
    const tokens = tokenize(s.text);
    tokens.forEach((t, i) => {
      if (t.kind !== 'word') return;
      const best = engine.bestReading(
        t.text,
        adjacentWord(s.text, tokens, i, -1),
        adjacentWord(s.text, tokens, i, 1),
      );
      if (!best) return;
      const error = s.errors.find((e) => e.start === t.start);
      out.push({
        pair: `${t.text.toLowerCase()}>${best.word}`,
        margin: best.margin,
        fixes: error !== undefined && error.right.toLowerCase() === best.word,
      });
    });
  }
  return out;
}

const byPair = new Map<string, { margin: number; fixes: boolean }[]>();
for (const m of margins(buildDevSet({ half: 'dev' })))
  byPair.set(m.pair, [...(byPair.get(m.pair) ?? []), m]);
const table: [string, number][] = [];
for (const [pair, list] of [...byPair].sort()) {
  let best = { t: Number.POSITIVE_INFINITY, gain: 0 };
  for (let t = floor; t <= 12; t += 0.25) {
    const fixed = list.filter((m) => m.fixes && m.margin > t).length;
    const alarms = list.filter((m) => !m.fixes && m.margin > t).length;
    const gain = fixed - cost * alarms;
    if (gain > best.gain) best = { t, gain };
  }
  if (Number.isFinite(best.t)) table.push([pair, best.t]);
}
console.log(`export const CONTEXT_THRESHOLDS: ReadonlyMap<string, number> = new Map([`);
for (const [pair, t] of table) console.log(`  [${JSON.stringify(pair)}, ${t}],`);
console.log(']);');

const thresholds = new Map(table);
const tuned = new SpellingEngine({ contextThresholds: thresholds });
for (const half of ['dev', 'check'] as const) {
  const set = buildDevSet({ half });
  const score = scoreInContext(set, (s) => tuned.check(s.text).corrections);
  console.log(
    `${half}: non-word fixed ${pct(score.nonWordFixed)}, real-word fixed ${pct(score.realWordFixed)}, precision ${pct(score.precision)}, false alarms ${score.falseAlarmsPer1000.toFixed(2)} per 1,000 right words`,
  );
}
