import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type Database, type OpenDatabaseOptions, openDatabase } from '../../db/index.ts';

// No vitest here: benchmarks use it too.

/** A new, migrated Postgres database of its own (tests, benchmarks), and how to get rid of it. */
export interface FreshDatabase {
  database: Database;
  /** The new database's URL (for a process of its own). */
  url: string;
  /** A session on the server's `url` database (not the new one), open until `drop()`. */
  admin: pg.Client;
  /** Close the database, drop it and end `admin`. */
  drop(): Promise<void>;
}

/**
 * Create a database named `<prefix>_<random>` on the server of `url` (any database there) and
 * open it, migrated: its own tables, so no other test file's or run's rows interfere.
 */
export async function createFreshDatabase(
  url: string,
  prefix: string,
  options: Omit<OpenDatabaseOptions, 'url'> = {},
): Promise<FreshDatabase> {
  const admin = new pg.Client({ connectionString: url });
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
  await admin.connect();
  let database: Database | undefined;
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  const drop = async (): Promise<void> => {
    await database?.close();
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  };
  try {
    await admin.query(`create database ${name}`);
    database = await openDatabase({ ...options, url: fresh.toString() });
  } catch (error) {
    await drop();
    throw error;
  }
  return { database, url: fresh.toString(), admin, drop };
}
