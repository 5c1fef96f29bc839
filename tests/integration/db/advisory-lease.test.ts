import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { AdvisoryLease } from '../../../db/index.ts';
import { useDatabase } from '../../helpers/database.ts';
import { DATABASE_URL, uniqueName } from '../../helpers/infra.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/** Wait until `lease` reports held (a held() that takes it), or fail after `ms`. */
async function until(lease: AdvisoryLease, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await lease.held())) {
    if (Date.now() > deadline) throw new Error(`${lease.name}: not taken within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('advisory lease (node-postgres)', () => {
  // Two "processes" are two sessions: each lease keeps a connection of its own from the pool.
  const database = useDatabase({ url: DATABASE_URL, migrate: false, maxConnections: 4 });

  it('is held by one session at a time; released, it passes to the next', async () => {
    const name = uniqueName('lease');
    const a = new AdvisoryLease(database().db, name);
    const b = new AdvisoryLease(database().db, name);
    const other = new AdvisoryLease(database().db, uniqueName('lease'));
    try {
      expect(await a.held()).toBe(true);
      expect(await b.held()).toBe(false);
      expect(await a.held()).toBe(true);
      // Another name is another lease.
      expect(await other.held()).toBe(true);
      await a.release();
      expect(await b.held()).toBe(true);
      // A released lease stays released.
      expect(await a.held()).toBe(false);
    } finally {
      await a.release();
      await b.release();
      await other.release();
    }
    // The connections went back to the pool: a pool of 4 still serves queries.
    const r = (await database().db.execute(sql`select 1 as one`)) as unknown as {
      rows: unknown[];
    };
    expect(r.rows).toHaveLength(1);
  });

  it('passes to the next session when the holder loses its connection, which does not crash it', async () => {
    const name = uniqueName('lease');
    const a = new AdvisoryLease(database().db, name);
    const b = new AdvisoryLease(database().db, name);
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      expect(await a.held()).toBe(true);
      expect(await b.held()).toBe(false);
      // The holder's session ends as in a crash of its host or a database restart.
      await admin.query(
        `select pg_terminate_backend(pid) from pg_locks
         where locktype = 'advisory' and granted and pid <> pg_backend_pid()
           and ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
        [a.key],
      );
      await until(b);
      // The old holder notices (its connection is gone) and does not claim the lease any more.
      await waitFor('the old holder to give up its claim', async () => !(await a.held()), 10_000);
      expect(await b.held()).toBe(true);
    } finally {
      await a.release();
      await b.release();
      await admin.end();
    }
  });
});
