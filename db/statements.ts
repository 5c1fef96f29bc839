import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Copy } from './copy.ts';
import type { Db } from './database.ts';
import { onPool } from './drivers/node-postgres.ts';
import { onPglite } from './drivers/pglite.ts';
import type { Run } from './statement-types.ts';

export type { Copy } from './copy.ts';
export type { Run, Statement, StatementResult } from './statement-types.ts';

/**
 * Runs `work` in one transaction on the driver under `db`, bypassing Drizzle's query builder:
 * the hot write path's statements are few and fixed, and here each is a prepared statement on
 * node-postgres (parsed and planned once per connection, then a generic plan). Re-planning them
 * per batch cost Postgres ~10% of its time: a custom plan copies every parameter, megabytes of
 * batch data, into the plan tree. Rolls back if `work` throws.
 */
export async function inTransaction<T>(
  db: Db,
  work: (run: Run, copy: Copy) => Promise<T>,
): Promise<T> {
  const client = driverOf(db);
  if (client instanceof pg.Pool) return onPool(client, work);
  if (client instanceof PGlite) return onPglite(client, work);
  throw new TypeError('inTransaction: the database is neither node-postgres nor PGlite');
}

/** The driver's client under a Drizzle database: a node-postgres pool or a PGlite instance. */
export function driverOf(db: Db): pg.Pool | PGlite | undefined {
  const client = (db as unknown as { $client: unknown }).$client;
  return client instanceof pg.Pool || client instanceof PGlite ? client : undefined;
}
