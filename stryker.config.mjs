// Mutation testing of the core (`npm run test:mutation`): StrykerJS changes one line at a time
// and runs the unit and model tests that cover it (vitest.mutation.config.ts); a mutant no test
// kills is a guarantee no test holds. The TypeScript checker drops mutants that do not compile.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'actors/runtime/**/*.ts',
    'messaging/core/**/*.ts',
    'common-core/contracts/**/*.ts',
    'common-core/topics/**/*.ts',
    'bridge/**/*.ts',
    // Entry points and re-export files: wiring that the integration and smoke suites run.
    '!**/index.ts',
    '!bridge/main.ts',
  ],
  ignoreStatic: true,
  // Two cores: the checker and two test runners (a runner waits on PGlite and the checker often).
  concurrency: 3,
  timeoutMS: 5_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: '.data/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  incremental: true,
  incrementalFile: '.data/mutation/incremental.json',
  cleanTempDir: 'always',
};
