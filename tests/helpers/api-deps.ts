import { ActorRepository, type Database } from '../../db/index.ts';
import type { ApiDeps } from '../../services/api/app.ts';
import { BatchRegistry } from '../../services/api/batch-registry.ts';

// No vitest here: benchmarks use it too.

/**
 * Dependencies of the api app for tests and benchmarks: the real registry and actor reads on
 * `database`, and inert stand-ins for the content service, NATS and the live feed, unless
 * `overrides` gives others.
 */
export function apiTestDeps(database: Database, overrides: Partial<ApiDeps> = {}): ApiDeps {
  return {
    batches: new BatchRegistry(database.db),
    actors: new ActorRepository(database.db),
    content: { storeText: async () => 'x'.repeat(32), fetchText: async () => '' },
    publisher: {
      publish: async () => {},
      close: async () => {},
      [Symbol.asyncDispose]: async () => {},
    },
    live: { lastSequence: async () => 0, async *follow() {} },
    auth: { secret: 'a-test-secret-that-is-long-enough-for-hs256' },
    limits: { maxEssays: 3, maxEssayBytes: 200, maxFileBytes: 50_000, ratePerMinute: 1_000 },
    heartbeatMs: 1_000,
    healthy: async () => ({ ok: true, checks: {} }),
    ...overrides,
  };
}
