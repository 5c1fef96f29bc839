import { randomUUID } from 'node:crypto';
import pg from 'pg';
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

/**
 * A new, migrated Postgres database for the enclosing `describe` block (its own tables, so no
 * other test file's rows or relays interfere), dropped after its tests. `url` is any database
 * on the server (it is used to create and drop the new one).
 */
export function useFreshDatabase(
  url: string,
  prefix: string,
  options: Omit<OpenDatabaseOptions, 'url'> = {},
): () => Database {
  const admin = new pg.Client({ connectionString: url });
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
  let database: Database | undefined;
  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create database ${name}`);
    const fresh = new URL(url);
    fresh.pathname = `/${name}`;
    database = await openDatabase({ ...options, url: fresh.toString() });
  });
  afterAll(async () => {
    await database?.close();
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  });
  return () => {
    if (!database) throw new Error('useFreshDatabase: read before the block opened its database');
    return database;
  };
}
