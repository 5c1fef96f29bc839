import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { OutboxRow, PendingOutboxRow, SentRows } from '../../db/index.ts';
import {
  ActorRepository,
  type Database,
  emptyBatchWrite,
  OutboxRepository,
} from '../../db/index.ts';

const row = (n: number): OutboxRow => ({
  topic: 'huleedu.test.v1',
  key: `essay-${n}`,
  headers: { 'huleedu-attempt': String(n) },
  payload: JSON.stringify({ n }),
  eventId: `event-${n}`,
});

/** Relay everything pending with `limit` rows per batch; returns what was "published". */
async function relayAll(
  outbox: OutboxRepository,
  limit: number,
  sentRows: SentRows = 'mark',
): Promise<PendingOutboxRow[]> {
  const published: PendingOutboxRow[] = [];
  while (
    (await outbox.relayBatch(limit, async (rows) => void published.push(...rows), sentRows)) > 0
  );
  return published;
}

/** The outbox repository's cases, run on both drivers: `database` is a migrated database of the test file's own. */
export function outboxRepositoryCases(database: () => Database): void {
  const write = (rows: OutboxRow[]) =>
    new ActorRepository(database().db).writeBatch({ ...emptyBatchWrite(), outbox: rows });

  /**
   * Bug reproduction: the relay read ids as `id::int`, but the id is a bigserial. Once a
   * deployment had written 2^31 outbox rows in its life (about 30 hours at 20,000/s), every
   * relay batch failed with "integer out of range" and nothing was published any more.
   */
  it('relays rows whose id is past 2^31, in id order, and marks them sent', async () => {
    const outbox = new OutboxRepository(database().db);
    await database().db.execute(sql`select setval('outbox_id_seq', 2147483645)`);
    await write([row(1), row(2), row(3), row(4), row(5)]);
    const published = await relayAll(outbox, 2);
    expect(published.map((r) => r.eventId)).toEqual([
      'event-1',
      'event-2',
      'event-3',
      'event-4',
      'event-5',
    ]);
    expect(published.map((r) => r.id)).toEqual([
      2147483646, 2147483647, 2147483648, 2147483649, 2147483650,
    ]);
    expect(published[0]).toMatchObject({
      key: 'essay-1',
      headers: { 'huleedu-attempt': '1' },
      payload: '{"n":1}',
    });
    expect(await outbox.backlog()).toMatchObject({ outbox: 0 });
  });

  it('prunes only sent rows older than the retention: pending rows and recent ones stay', async () => {
    const outbox = new OutboxRepository(database().db);
    await database().db.execute(sql`delete from outbox`);
    await write([row(10), row(11)]);
    await relayAll(outbox, 500);
    await write([row(12)]);
    // row 10 was sent two hours ago; row 11 just now; row 12 is still pending.
    await database().db.execute(
      sql`update outbox set sent_at = now() - interval '2 hours' where event_id = 'event-10'`,
    );
    expect(await outbox.pruneSent(3_600_000)).toBe(1);
    const left = (await database().db.execute(
      sql`select event_id as "eventId", sent_at is null as pending from outbox order by id`,
    )) as unknown as { rows: { eventId: string; pending: boolean }[] };
    expect(left.rows).toEqual([
      { eventId: 'event-11', pending: false },
      { eventId: 'event-12', pending: true },
    ]);
    // A retention of zero prunes every sent row, still never a pending one.
    expect(await outbox.pruneSent(0)).toBe(1);
    expect((await relayAll(outbox, 500)).map((r) => r.eventId)).toEqual(['event-12']);
  });

  it('deletes published rows in the same transaction when asked to; failed publishes delete nothing', async () => {
    const outbox = new OutboxRepository(database().db);
    await database().db.execute(sql`delete from outbox`);
    await write([row(20), row(21), row(22)]);
    const stored = async () =>
      (
        (await database().db.execute(
          sql`select event_id as "eventId" from outbox order by id`,
        )) as unknown as { rows: { eventId: string }[] }
      ).rows.map((r) => r.eventId);
    // The publish fails: the transaction rolls back and every row is still there, pending.
    await expect(
      outbox.relayBatch(
        2,
        async () => {
          throw new Error('broker down');
        },
        'delete',
      ),
    ).rejects.toThrow('broker down');
    expect(await stored()).toEqual(['event-20', 'event-21', 'event-22']);
    // One batch of two: those two go, the third is untouched and still pending.
    expect(await outbox.relayBatch(2, async () => {}, 'delete')).toBe(2);
    expect(await stored()).toEqual(['event-22']);
    expect(await outbox.backlog()).toMatchObject({ outbox: 1 });
    expect((await relayAll(outbox, 500, 'delete')).map((r) => r.eventId)).toEqual(['event-22']);
    expect(await stored()).toEqual([]);
  });
}
