// Mutation testing of the core (`npm run test:mutation`): StrykerJS changes one line at a time
// and runs the unit and model tests that cover it (vitest.mutation.config.ts); a mutant no test
// kills is a guarantee no test holds. The TypeScript checker drops mutants that do not compile.
//
// One run per core folder (MUTATE_FOLDER, set by scripts/mutation.ts): each folder has
// its own report and incremental file under .data/mutation/, so a folder can be rerun alone
// after its tests change, and scripts/mutation-report.ts merges the reports.
const FOLDERS = [
  'actors/runtime',
  'actors/essay',
  'actors/batch',
  'messaging/core',
  'common-core/contracts',
  'common-core/topics',
  'bridge',
];
const folder = process.env.MUTATE_FOLDER;
if (folder !== undefined && !FOLDERS.includes(folder))
  throw new Error(`MUTATE_FOLDER=${folder}: not a core folder (${FOLDERS.join(', ')})`);
const slug = folder === undefined ? 'all' : folder.replaceAll('/', '-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: [
    ...(folder === undefined ? FOLDERS : [folder]).map((f) => `${f}/**/*.ts`),
    // Entry points and re-export files: wiring that the integration and smoke suites run.
    '!**/index.ts',
    '!bridge/main.ts',
  ],
  ignoreStatic: true,
  // Two cores: the checker and two test runners (a runner waits on PGlite and the checker often).
  concurrency: 3,
  timeoutMS: 5_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `.data/mutation/${slug}.json` },
  tempDirName: `.stryker-tmp/${slug}`,
  incremental: true,
  incrementalFile: `.data/mutation/${slug}.incremental.json`,
  cleanTempDir: 'always',
};
