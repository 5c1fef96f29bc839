import { afterAll, beforeAll } from 'vitest';
import { type Database, type OpenDatabaseOptions, openDatabase } from '../../db/index.ts';
import { createFreshDatabase, type FreshDatabase } from './fresh-database.ts';

/**
 * A database for the enclosing `describe` block: opened before its tests, closed after them.
 * Read it through the returned getter (it exists once the block's tests run).
 */
export function useDatabase(options: OpenDatabaseOptions): () => Database {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await openDatabase(options);
  });
  afterAll(async () => {
    await database?.close();
  });
  return () => {
    if (!database) throw new Error('useDatabase: read before the block opened its database');
    return database;
  };
}

/** `createFreshDatabase` for the enclosing `describe` block: created before its tests, dropped after. */
export function useFreshDatabase(
  url: string,
  prefix: string,
  options: Omit<OpenDatabaseOptions, 'url'> = {},
): () => Database {
  let fresh: FreshDatabase | undefined;
  beforeAll(async () => {
    fresh = await createFreshDatabase(url, prefix, options);
  });
  afterAll(async () => {
    await fresh?.drop();
  });
  return () => {
    if (!fresh) throw new Error('useFreshDatabase: read before the block opened its database');
    return fresh.database;
  };
}
