import { hash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Db } from './database.ts';

/** SQL text with numbered parameters ($1, $2, ...) and their values, as both drivers take it. */
export interface Statement {
  text: string;
  values: unknown[];
}

export interface StatementResult {
  rows: Record<string, unknown>[];
  /** Rows the statement changed (or returned). */
  rowCount: number;
}

/** Runs one statement inside the transaction it was handed to. */
export type Run = (statement: Statement) => Promise<StatementResult>;

/**
 * Runs `work` in one transaction on the driver under `db`, bypassing Drizzle's query builder:
 * the hot write path's statements are few and fixed, and here each is a prepared statement on
 * node-postgres (parsed and planned once per connection, then a generic plan). Re-planning them
 * per batch cost Postgres ~10% of its time: a custom plan copies every parameter, megabytes of
 * batch data, into the plan tree. Rolls back if `work` throws.
 */
export async function inTransaction<T>(db: Db, work: (run: Run) => Promise<T>): Promise<T> {
  const client = (db as unknown as { $client: unknown }).$client;
  if (client instanceof pg.Pool) return onPool(client, work);
  if (client instanceof PGlite)
    return client.transaction((tx) =>
      work(async ({ text, values }) => {
        const r = await tx.query<Record<string, unknown>>(text, values);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      }),
    );
  throw new TypeError('inTransaction: the database is neither node-postgres nor PGlite');
}

async function onPool<T>(pool: pg.Pool, work: (run: Run) => Promise<T>): Promise<T> {
  const connection = await pool.connect();
  let broken = false;
  try {
    await connection.query('begin');
    try {
      const result = await work(async ({ text, values }) => {
        const r = await connection.query<Record<string, unknown>>({
          name: preparedName(text),
          text,
          values,
        });
        return { rows: r.rows, rowCount: r.rowCount ?? r.rows.length };
      });
      await connection.query('commit');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is not given back to the pool.
      await connection.query('rollback').catch(() => {
        broken = true;
      });
      throw error;
    }
  } finally {
    connection.release(broken);
  }
}

const names = new Map<string, string>();

/** A name per distinct text: node-postgres prepares a named statement once per connection. */
function preparedName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `huleedu_${hash('sha256', text, 'hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
