import { hash } from 'node:crypto';
import pg from 'pg';
import type { Db } from './database.ts';
import { driverOf } from './statements.ts';

/**
 * A lease on `name` that one process at a time holds, across every process on the database: a
 * session-level advisory lock, held on a connection of its own (taken from the pool and kept).
 * When the holder goes (it releases, crashes, or its connection breaks), its session ends, the
 * lock is free, and the next `held()` elsewhere takes it. On PGlite, where only this process
 * can write, it is always held.
 *
 * `held()` never throws: a database it cannot reach means "not held now; ask again later".
 */
export class AdvisoryLease {
  /**
   * The advisory lock's key (a signed bigint, as text). In `pg_locks` the holder shows as
   * `locktype = 'advisory'` with `classid`/`objid` the key's high/low 32 bits.
   */
  readonly key: string;
  private client: pg.PoolClient | undefined;
  private holding = false;
  private released = false;

  constructor(
    private readonly db: Db,
    readonly name: string,
  ) {
    // Advisory locks take a bigint: the name's first 64 hash bits, signed.
    this.key = BigInt.asIntN(
      64,
      BigInt(`0x${hash('sha256', name, 'hex').slice(0, 16)}`),
    ).toString();
  }

  /** Whether this process holds the lease now (taking it if it is free). */
  async held(): Promise<boolean> {
    const pool = driverOf(this.db);
    if (!(pool instanceof pg.Pool)) return !this.released;
    if (this.released) return false;
    if (this.holding) return true;
    try {
      this.client ??= await this.connect(pool);
      const r = await this.client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock($1::bigint) as ok',
        [this.key],
      );
      this.holding = r.rows[0]?.ok === true;
    } catch {
      this.drop();
    }
    return this.holding;
  }

  /** Give the lease up for good (another process takes it at its next `held()`). */
  async release(): Promise<void> {
    this.released = true;
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    this.holding = false;
    // Ending the session would free the lock too; unlocking keeps the connection for the pool.
    const unlocked = await client
      .query('select pg_advisory_unlock_all()')
      .then(() => true)
      .catch(() => false);
    client.release(!unlocked);
  }

  private async connect(pool: pg.Pool): Promise<pg.PoolClient> {
    const client = await pool.connect();
    // The session (and the lock with it) is gone: not held until taken again.
    const lost = () => {
      if (this.client === client) this.drop();
    };
    client.once('error', lost);
    client.once('end', lost);
    return client;
  }

  /** Forget the connection (destroyed, not returned to the pool) and the lock on it. */
  private drop(): void {
    const client = this.client;
    this.client = undefined;
    this.holding = false;
    client?.release(true);
  }
}
