import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant of the core (`npm run test:mutation`): the unit
// and model tests that reach actors/runtime, messaging/core, common-core's contracts and topics,
// and bridge. One flat project (the runner does not take `projects`), no infrastructure.
export default defineConfig({
  test: {
    include: [
      'tests/unit/actors/**/*.test.ts',
      'tests/unit/bridge/**/*.test.ts',
      'tests/unit/common-core/**/*.test.ts',
      'tests/unit/messaging/**/*.test.ts',
      'tests/model/**/*.model.test.ts',
    ],
    environment: 'node',
    hookTimeout: 60_000,
    testTimeout: 120_000,
  },
});
