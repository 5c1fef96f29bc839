import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActorRepository, emptyBatchWrite, OutboxRepository } from '../../../db/index.ts';
import { useFreshDatabase } from '../../helpers/database.ts';
import { DATABASE_URL } from '../../helpers/infra.ts';

const ACTORS = 20_000;
const BATCH = 300;

/**
 * Bug reproduction: the batch statements joined their keys to a table, and on a table without
 * statistics the planner hash-joined them with a scan of the WHOLE table — per batch, so the
 * cost grew with the number of actors (~10-20 ms per statement at 12,000). Every statement of
 * the runtime must look actors up by key; Postgres's own scan counters are the witness.
 */
describe('actor repository on real Postgres: batch statements never scan whole tables', () => {
  // One connection: the statistics read at the end are the same session's, flushed.
  const database = useFreshDatabase(DATABASE_URL, 'huleedu_plans', { maxConnections: 1 });

  beforeAll(async () => {
    // A young, large table: no ANALYZE has run, as after a bulk of new essays.
    await database().db.execute(sql`
      insert into actor_snapshots (actor_type, actor_id, machine_id, machine_version, snapshot, version, status)
      select 'essay', 'essay-' || g, 'essay', 1, '{"value":"x","context":{}}', 1, 'x' from generate_series(1, ${ACTORS}) g`);
    await database().db.execute(sql`
      insert into journal (actor_type, actor_id, seq, event_id, event_type, from_state, to_state)
      select 'essay', 'essay-' || g, 1, 'e-' || g, 'E', null, 'x' from generate_series(1, ${ACTORS}) g`);
    await database().db.execute(sql`
      insert into timers (actor_type, actor_id, timer_key, due_at, event)
      select 'essay', 'essay-' || g, 'timeout', now() + interval '1 hour', '{"type":"T"}' from generate_series(1, ${ACTORS}) g`);
  });

  const seqScans = async (): Promise<Record<string, number>> => {
    // Make this session's pending counters visible (they are flushed when it goes idle).
    await database().db.execute(sql`select pg_stat_force_next_flush()`);
    const r = (await database().db.execute(sql`
      select relname, seq_scan::int as n from pg_stat_user_tables
      where relname in ('actor_snapshots', 'journal', 'timers')`)) as unknown as {
      rows: { relname: string; n: number }[];
    };
    return Object.fromEntries(r.rows.map((x) => [x.relname, x.n]));
  };

  it('loads, deduplicates, updates, cancels timers and polls due timers by index only', async () => {
    const repo = new ActorRepository(database().db);
    const ids = Array.from({ length: BATCH }, (_, i) => `essay-${i * 61 + 7}`);
    const keys = ids.map((actorId) => ({ actorType: 'essay', actorId }));
    const before = await seqScans();

    const loaded = await repo.loadSnapshots(keys);
    const done = await repo.processedAmong(
      ids.map((actorId) => ({ actorType: 'essay', actorId, eventId: `e-${actorId.slice(6)}` })),
    );
    await repo.writeBatch({
      ...emptyBatchWrite(),
      updates: ids.map((actorId) => ({
        actorType: 'essay',
        actorId,
        machineId: 'essay',
        machineVersion: 1,
        snapshot: { value: 'y', context: {} },
        version: 2,
        status: 'y',
        expectedVersion: 1,
      })),
      timersCancelled: ids.map((actorId) => ({ actorType: 'essay', actorId, timerKey: 'timeout' })),
    });
    // The poller's query (every 250 ms) once lacked the due index's predicate and read the
    // whole timers table each time.
    const due = await new OutboxRepository(database().db).dueTimers(new Date(), 500);

    expect(loaded).toHaveLength(BATCH);
    expect(done.size).toBe(BATCH);
    expect(due).toEqual([]); // all due in an hour
    const after = await seqScans();
    expect(after).toEqual(before);
    // The witness is live: a deliberate whole-table read (version is in no index) moves it.
    await database().db.execute(sql`select sum(version) from actor_snapshots`);
    expect((await seqScans()).actor_snapshots).toBeGreaterThan(after.actor_snapshots ?? 0);
    const r = (await database().db.execute(sql`
      select (select count(*) from actor_snapshots where version = 2)::int as updated,
             (select count(*) from timers)::int as timers`)) as unknown as {
      rows: { updated: number; timers: number }[];
    };
    expect(r.rows[0]).toEqual({ updated: BATCH, timers: ACTORS - BATCH });
  });
});
