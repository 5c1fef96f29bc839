import { afterAll, beforeAll } from 'vitest';
import { type Database, type OpenDatabaseOptions, openDatabase } from '../../db/index.ts';

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
