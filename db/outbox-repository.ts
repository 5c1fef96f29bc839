import { sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { affected, rows } from './results.ts';
import { inTransaction } from './statements.ts';

export interface PendingOutboxRow {
  id: number;
  topic: string;
  key: string;
  headers: Record<string, string>;
  payload: string;
  eventId: string;
}

export interface DueTimerRow {
  actorType: string;
  actorId: string;
  timerKey: string;
  seq: number;
  dueAt: Date;
  event: { type: string } & Record<string, unknown>;
}

const SELECT_PENDING = `select id, topic, key, headers, payload, event_id as "eventId"
  from outbox where sent_at is null order by id limit $1 for update`;
// `sent_at is null` lets the planner use the pending-rows index (the only one).
const MARK_SENT =
  'update outbox set sent_at = now() where id = any($1::bigint[]) and sent_at is null';
const DELETE_SENT = 'delete from outbox where id = any($1::bigint[]) and sent_at is null';

/**
 * What becomes of published rows: `mark` keeps them, marked sent, until `pruneSent` removes
 * them; `delete` removes them in the transaction that published them. Deleting writes one row
 * version instead of two (the update's, then the prune's delete) and leaves no sent rows for
 * pruning to scan: bench:relay, 3 interleaved pairs, 18,600-19,800 -> 20,600-23,100 rows/s,
 * Postgres 12-14 -> 7-8 µs per row. Kafka holds what was published either way.
 */
export type SentRows = 'mark' | 'delete';

/** Outbox and timer queries of the relay and the timer poller. */
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /**
   * Publish the oldest pending rows with `publish` and mark them sent (or delete them, see
   * `SentRows`), in one transaction.
   * The rows stay locked meanwhile, so a second relay waits instead of publishing out of order.
   * Returns how many were sent. Prepared statements on the driver, as the runtime's writes:
   * this runs once per published batch.
   */
  async relayBatch(
    limit: number,
    publish: (rows: PendingOutboxRow[]) => Promise<void>,
    sentRows: SentRows = 'mark',
  ): Promise<number> {
    return inTransaction(this.db, async (run) => {
      const selected = await run({ text: SELECT_PENDING, values: [limit] });
      // The id is a bigint: it comes as a string (node-postgres) or a bigint (PGlite), and is
      // exact as a number up to 2^53. Cast to int it failed every batch once past 2^31.
      const pending = (
        selected.rows as (Omit<PendingOutboxRow, 'id'> & { id: string | bigint | number })[]
      ).map((r) => ({ ...r, id: Number(r.id) }));
      if (pending.length === 0) return 0;
      await publish(pending);
      await run({
        text: sentRows === 'delete' ? DELETE_SENT : MARK_SENT,
        values: [pending.map((r) => r.id)],
      });
      return pending.length;
    });
  }

  async backlog(): Promise<{ outbox: number; timers: number }> {
    const [r] = rows<{ outbox: number; timers: number }>(
      await this.db.execute(
        sql`select (select count(*) from outbox where sent_at is null)::int as outbox, (select count(*) from timers)::int as timers`,
      ),
    );
    return r ?? { outbox: 0, timers: 0 };
  }

  /** Delete sent outbox rows older than `olderThanMs` (they were published long ago). */
  async pruneSent(olderThanMs: number): Promise<number> {
    const r = await this.db.execute(
      sql`delete from outbox where sent_at < now() - (${olderThanMs} * interval '1 millisecond')`,
    );
    return affected(r);
  }

  async dueTimers(now: Date, limit: number): Promise<DueTimerRow[]> {
    return rows<DueTimerRow>(
      await this.db.execute(sql`
        select actor_type as "actorType", actor_id as "actorId", timer_key as "timerKey", seq, due_at as "dueAt", event
        from timers where due_at <= ${now.toISOString()}::timestamptz and fired_at is null
        order by due_at limit ${limit}`),
    ).map((r) => ({ ...r, dueAt: new Date(r.dueAt) }));
  }
}
