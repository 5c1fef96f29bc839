/**
 * `npm run test:mutation -- [--folder <core folder>]... [--json]`: runs StrykerJS once per core
 * folder (all of them unless --folder names some), each with its own report and incremental file
 * under .data/mutation/, then prints the merged scores and survivors (scripts/mutation-report.ts).
 * One folder at a time keeps a run on two cores to what changed: rerun the folder whose tests
 * you touched.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const FOLDERS = [
  'actors/runtime',
  'actors/essay',
  'actors/batch',
  'messaging/core',
  'common-core/contracts',
  'common-core/topics',
  'bridge',
];

const { values } = parseArgs({
  options: {
    folder: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
});
const chosen = (values.folder ?? FOLDERS).map((f) => f.replace(/\/$/, ''));
for (const folder of chosen) {
  if (!FOLDERS.includes(folder)) {
    console.error(`--folder ${folder}: not a core folder (${FOLDERS.join(', ')})`);
    process.exit(2);
  }
}
for (const folder of chosen) {
  console.log(`\n=== mutating ${folder}/ ===`);
  const run = spawnSync('npx', ['stryker', 'run'], {
    stdio: 'inherit',
    env: { ...process.env, MUTATE_FOLDER: folder },
  });
  if (run.status !== 0) {
    console.error(`stryker failed on ${folder}/ (exit ${run.status ?? run.signal})`);
    process.exit(run.status ?? 1);
  }
}
const report = spawnSync(
  'npx',
  ['tsx', 'scripts/mutation-report.ts', ...(values.json ? ['--json'] : [])],
  {
    stdio: 'inherit',
  },
);
process.exit(report.status ?? 1);
