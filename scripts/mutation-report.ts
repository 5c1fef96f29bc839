/**
 * The mutation score per core folder, from StrykerJS's JSON report (`npm run test:mutation`
 * runs Stryker, then this). Lists every surviving mutant with where it is and what it changed,
 * marking those justified in tests/mutation/justified.json (a mutant no test can tell apart, with
 * the reason). Exits 1 when a folder scores below the goal. With `--json`, its last line is one
 * JSON object: {"scores": {"<folder>": <percent>}, ...}.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const FOLDERS = [
  'actors/runtime/',
  'messaging/core/',
  'common-core/contracts/',
  'common-core/topics/',
  'bridge/',
] as const;
const GOAL = 80;

const Mutant = z.object({
  id: z.string(),
  mutatorName: z.string(),
  replacement: z.string().optional(),
  status: z.string(),
  location: z.object({ start: z.object({ line: z.number(), column: z.number() }) }),
});
const Report = z.object({
  files: z.record(z.string(), z.object({ source: z.string(), mutants: z.array(Mutant) })),
});
const Justified = z.array(
  z.object({ file: z.string(), line: z.number(), mutator: z.string(), reason: z.string().min(10) }),
);

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    reports: { type: 'string', default: '.data/mutation' },
  },
});
// One report per folder run (scripts/mutation.ts), or one of a whole run: merged oldest first,
// so a file's newest result wins.
const reportFiles = existsSync(values.reports)
  ? readdirSync(values.reports)
      .filter((f) => f.endsWith('.json') && !f.endsWith('.incremental.json'))
      .map((f) => join(values.reports, f))
      .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
  : [];
if (reportFiles.length === 0) {
  console.error(
    `no report in ${values.reports}: run \`npm run test:mutation\` (Stryker writes them)`,
  );
  process.exit(2);
}
const report: z.infer<typeof Report> = { files: {} };
for (const file of reportFiles)
  Object.assign(report.files, Report.parse(JSON.parse(readFileSync(file, 'utf8'))).files);
const justified = Justified.parse(
  JSON.parse(readFileSync(new URL('../tests/mutation/justified.json', import.meta.url), 'utf8')),
);
const isJustified = (file: string, line: number, mutator: string) =>
  justified.find((j) => j.file === file && j.line === line && j.mutator === mutator);

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const scores: Record<string, number | null> = {};
/** Killed and timed out only, justified survivors counted as survivors. */
const rawScores: Record<string, number | null> = {};
const counts: Record<string, { detected: number; undetected: number; justified: number }> = {};
const survivors: string[] = [];
for (const folder of FOLDERS) {
  let detected = 0;
  let undetected = 0;
  let justifiedCount = 0;
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    if (!file.startsWith(folder)) continue;
    const lines = source.split('\n');
    for (const m of mutants) {
      if (DETECTED.has(m.status)) detected++;
      if (!UNDETECTED.has(m.status)) continue;
      const line = m.location.start.line;
      const why = isJustified(file, line, m.mutatorName);
      if (why) {
        justifiedCount++;
        detected++;
      } else undetected++;
      survivors.push(
        `${why ? 'justified' : m.status.padEnd(9)} ${file}:${line} ${m.mutatorName}: ${(lines[line - 1] ?? '').trim().slice(0, 90)}${m.replacement ? `  =>  ${m.replacement.replace(/\s+/g, ' ').slice(0, 60)}` : ''}${why ? `  (${why.reason})` : ''}`,
      );
    }
  }
  const total = detected + undetected;
  // A folder with no mutants in the report was not tested: no score, and a failure.
  scores[folder.replace(/\/$/, '')] =
    total === 0 ? null : Math.round((1000 * detected) / total) / 10;
  counts[folder] = { detected, undetected, justified: justifiedCount };
  rawScores[folder.replace(/\/$/, '')] =
    total === 0 ? null : Math.round((1000 * (detected - justifiedCount)) / total) / 10;
}

console.log(
  'surviving mutants (kill them with a test, or justify them in tests/mutation/justified.json):',
);
for (const s of survivors) console.log(`  ${s}`);
console.log(
  '\nmutation score per folder (killed + timed out + justified) / all covered and uncovered:',
);
for (const folder of FOLDERS) {
  const c = counts[folder] ?? { detected: 0, undetected: 0, justified: 0 };
  const score = scores[folder.replace(/\/$/, '')] ?? null;
  console.log(
    score === null
      ? `  ${folder.padEnd(24)}     -   (no mutants in the report: not tested) FAIL`
      : `  ${folder.padEnd(24)} ${score.toFixed(1).padStart(5)}%  (${c.detected} detected of ${c.detected + c.undetected}; ${c.justified} justified; ${(rawScores[folder.replace(/\/$/, '')] ?? 0).toFixed(1)}% killed by tests alone) ${score >= GOAL ? 'ok' : `BELOW ${GOAL}%`}`,
  );
}
const below = Object.entries(scores).filter(([, s]) => s === null || s < GOAL);
if (values.json)
  console.log(
    JSON.stringify({
      scores,
      raw_scores: rawScores,
      goal: GOAL,
      survivors: survivors.filter((s) => !s.startsWith('justified')).length,
      justified: survivors.length - survivors.filter((s) => !s.startsWith('justified')).length,
    }),
  );
process.exit(below.length > 0 ? 1 : 0);
