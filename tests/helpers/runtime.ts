import { ACTOR_EFFECTS } from '../../actors/lifecycle/actor-types.ts';
import { ActorRuntime, SnapshotCache } from '../../actors/runtime/index.ts';
import { ActorRepository, type Database, openDatabase } from '../../db/index.ts';
import { MACHINE_DEFINITIONS } from '../../machines/index.ts';

/** A runtime on a fresh database: PGlite in memory by default, or the given Postgres URL. */
export async function testRuntime(
  url = 'pglite://memory',
  cacheSize = 10_000,
): Promise<{
  runtime: ActorRuntime;
  database: Database;
  cache: SnapshotCache;
  repository: ActorRepository;
}> {
  const database = await openDatabase({ url });
  const cache = new SnapshotCache(cacheSize, 60_000);
  const repository = new ActorRepository(database.db);
  return {
    runtime: new ActorRuntime({
      repository,
      definitions: MACHINE_DEFINITIONS,
      effects: ACTOR_EFFECTS,
      cache,
    }),
    database,
    cache,
    repository,
  };
}
