import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running; `integration` talks to real Kafka, NATS and
// Postgres (start them with `npm run infra:up`) and runs its files one at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // Booting an embedded PGlite (in a beforeAll) takes seconds when files run side by side,
          // and CI may share the machine with other work: tests wait on conditions (waitFor,
          // 20 s by default), so a test's limit must be above those waits even when slow.
          hookTimeout: 60_000,
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'model',
          include: ['tests/model/**/*.model.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'smoke',
          include: ['tests/smoke/**/*.smoke.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
