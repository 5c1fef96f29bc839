import { sql } from 'drizzle-orm';
import { findCause, HuleEduError } from '../common-core/index.ts';
import type { Db } from './database.ts';
import { type ColumnSpec, recordset } from './recordset.ts';
import { rows } from './results.ts';
import { inTransaction, type Run, type Statement } from './statements.ts';

/** A stored actor snapshot row. */
export interface SnapshotRow {
  actorType: string;
  actorId: string;
  machineId: string;
  machineVersion: number;
  snapshot: unknown;
  version: number;
  status: string;
}

export interface JournalRow {
  actorType: string;
  actorId: string;
  seq: number;
  eventId: string;
  eventType: string;
  fromState: string | null;
  toState: string;
  rejected: boolean;
}

export interface OutboxRow {
  topic: string;
  key: string;
  headers: Record<string, string>;
  /** The serialised envelope (JSON text), stored and published byte for byte. */
  payload: string;
  eventId: string;
}

/** A timer to arm (or re-arm). */
export interface TimerRow extends TimerKey {
  /** The actor's version at the transition that armed it. */
  seq: number;
  dueAt: Date;
  event: unknown;
}

/** One actor's timer: at most one is armed per key. */
export interface TimerKey {
  actorType: string;
  actorId: string;
  timerKey: string;
}

/** A timer that fired: its row goes, unless it was re-armed meanwhile (another seq). */
export interface FiredTimer extends TimerKey {
  seq: number;
}

/** Everything one processed batch writes, in one transaction. */
export interface BatchWrite {
  /** Snapshots of actors that did not exist: inserted; a conflict means another writer won. */
  inserts: SnapshotRow[];
  /** Snapshots of existing actors, with the version they were read at. */
  updates: (SnapshotRow & { expectedVersion: number })[];
  journal: JournalRow[];
  outbox: OutboxRow[];
  timersSet: TimerRow[];
  timersCancelled: TimerKey[];
  timersFired: FiredTimer[];
}

/** A batch that writes nothing yet: the runtime fills it in. */
export function emptyBatchWrite(): BatchWrite {
  return {
    inserts: [],
    updates: [],
    journal: [],
    outbox: [],
    timersSet: [],
    timersCancelled: [],
    timersFired: [],
  };
}

/**
 * Thrown inside the transaction when an event of the batch was already applied; it rolls back
 * (the runtime runs the batch again with a deduplication pre-check: retryable).
 */
export class DuplicateEvent extends HuleEduError {
  constructor() {
    super('HULEEDU_DUPLICATE_EVENT', 'an event of the batch was already applied');
    this.name = 'DuplicateEvent';
  }
}

/** Thrown inside the transaction when another writer got there first; it rolls back. */
export class VersionConflict extends HuleEduError {
  constructor(readonly actors: string[]) {
    super(
      'HULEEDU_VERSION_CONFLICT',
      `optimistic version conflict for ${actors.length} actor(s): ${actors.slice(0, 5).join(', ')}`,
      { details: { actors: actors.slice(0, 20) } },
    );
    this.name = 'VersionConflict';
  }
}

/** One array parameter: drizzle would otherwise expand a JS array into a tuple of parameters. */
function arr(values: readonly unknown[]) {
  return sql.param(values);
}

// The columns each write statement takes (see `recordset`): constants, so their SQL is built once.
/** The actor key columns every per-actor row carries. */
const ACTOR_KEY: ColumnSpec<{ actorType: string; actorId: string }> = {
  actorType: ['text', (x) => x.actorType],
  actorId: ['text', (x) => x.actorId],
};
const SNAPSHOT_INSERT: ColumnSpec<SnapshotRow> = {
  ...ACTOR_KEY,
  machineId: ['text', (x) => x.machineId],
  machineVersion: ['int', (x) => x.machineVersion],
  snapshot: ['json', (x) => x.snapshot as object],
  version: ['int', (x) => x.version],
  status: ['text', (x) => x.status],
};
const SNAPSHOT_UPDATE: ColumnSpec<BatchWrite['updates'][number]> = {
  ...ACTOR_KEY,
  snapshot: ['json', (x) => x.snapshot as object],
  version: ['int', (x) => x.version],
  status: ['text', (x) => x.status],
  expectedVersion: ['int', (x) => x.expectedVersion],
  machineVersion: ['int', (x) => x.machineVersion],
};
const JOURNAL: ColumnSpec<JournalRow> = {
  ...ACTOR_KEY,
  seq: ['int', (x) => x.seq],
  eventId: ['text', (x) => x.eventId],
  eventType: ['text', (x) => x.eventType],
  fromState: ['text', (x) => x.fromState],
  toState: ['text', (x) => x.toState],
  rejected: ['bool', (x) => x.rejected],
};
const OUTBOX: ColumnSpec<OutboxRow> = {
  topic: ['text', (x) => x.topic],
  key: ['text', (x) => x.key],
  headers: ['jsonb', (x) => x.headers],
  payload: ['json text', (x) => x.payload],
  eventId: ['text', (x) => x.eventId],
};
const TIMER_KEY: ColumnSpec<TimerKey> = {
  ...ACTOR_KEY,
  timerKey: ['text', (x) => x.timerKey],
};
const TIMER_FIRED: ColumnSpec<FiredTimer> = { ...TIMER_KEY, seq: ['int', (x) => x.seq] };
const TIMER_SET: ColumnSpec<TimerRow> = {
  ...TIMER_FIRED,
  dueAt: ['timestamptz', (x) => x.dueAt],
  event: ['jsonb', (x) => x.event as object],
};

/** Whether `error` (or one of its causes: drizzle wraps driver errors) breaks that unique index. */
function violates(error: unknown, constraint: string): boolean {
  return (
    findCause(error, (e) => {
      const pgError = e as { code?: unknown; constraint?: unknown };
      return pgError.code === '23505' && pgError.constraint === constraint;
    }) !== undefined
  );
}

/** The snapshot table's key: a violation on insert means another writer created the actor. */
const SNAPSHOT_KEY = 'actor_snapshots_actor_type_actor_id_pk';

/**
 * The actors among `keys` whose snapshot row this transaction did not write (its xmin is
 * another transaction's, or there is no row): another writer got there first. Asked only after
 * a statement changed fewer rows than it was given — the transaction then rolls back — so the
 * common path carries no per-row result back.
 */
async function notWrittenHere(
  run: Run,
  keys: readonly { actorType: string; actorId: string }[],
): Promise<string[]> {
  const lost = await run(
    around(
      'select k."actorType", k."actorId" from ',
      recordset(keys, 'k', ACTOR_KEY),
      ` where not exists (
          select from actor_snapshots s
          where s.actor_type = k."actorType" and s.actor_id = k."actorId" and s.xmin = pg_current_xact_id()::xid)`,
    ),
  );
  return lost.rows.map((x) => `${x.actorType}:${x.actorId}`);
}

/** A statement: `before`, the rows, `after`. */
function around(before: string, rows: Statement, after = ''): Statement {
  return { text: before + rows.text + after, values: rows.values };
}

const KEY_LOOKUPS_ONLY =
  "select set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)";

/** Set-based SQL for the actor runtime: a handful of statements per batch, whatever its size. */
export class ActorRepository {
  constructor(private readonly db: Db) {}

  async loadSnapshots(
    keys: readonly { actorType: string; actorId: string }[],
  ): Promise<SnapshotRow[]> {
    if (keys.length === 0) return [];
    const result = await this.db.execute(sql`
      select s.actor_type as "actorType", s.actor_id as "actorId", s.machine_id as "machineId",
             s.machine_version as "machineVersion", s.snapshot, s.version, s.status
      from unnest(${arr(keys.map((k) => k.actorType))}::text[], ${arr(keys.map((k) => k.actorId))}::text[]) as k(t, i)
      cross join lateral (
        select * from actor_snapshots s where s.actor_type = k.t and s.actor_id = k.i limit 1
      ) as s`);
    return rows<SnapshotRow>(result);
  }

  async processedAmong(
    keys: readonly { actorType: string; actorId: string; eventId: string }[],
  ): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const result = await this.db.execute(sql`
      select k.t, k.i, k.e
      from unnest(${arr(keys.map((k) => k.actorType))}::text[], ${arr(keys.map((k) => k.actorId))}::text[], ${arr(keys.map((k) => k.eventId))}::text[]) as k(t, i, e)
      cross join lateral (
        select from journal p where p.actor_type = k.t and p.actor_id = k.i and p.event_id = k.e limit 1
      ) as p`);
    return new Set(
      rows<{ t: string; i: string; e: string }>(result).map((r) => `${r.t}|${r.i}|${r.e}`),
    );
  }

  /** An actor's timeline: every applied or rejected event, in order. */
  /**
   * Snapshots with their timestamps, for readers (the api): one key lookup per actor, never a
   * scan, so a 500-essay batch reads in milliseconds on a table of millions of actors.
   */
  async loadStates(
    keys: readonly { actorType: string; actorId: string }[],
  ): Promise<(SnapshotRow & { createdAt: string; updatedAt: string })[]> {
    if (keys.length === 0) return [];
    const result = await this.db.execute(sql`
      select s.actor_type as "actorType", s.actor_id as "actorId", s.machine_id as "machineId",
             s.machine_version as "machineVersion", s.snapshot, s.version, s.status,
             s.created_at as "createdAt", s.updated_at as "updatedAt"
      from unnest(${arr(keys.map((k) => k.actorType))}::text[], ${arr(keys.map((k) => k.actorId))}::text[]) as k(t, i)
      cross join lateral (
        select * from actor_snapshots s where s.actor_type = k.t and s.actor_id = k.i limit 1
      ) as s`);
    return rows<SnapshotRow & { createdAt: string | Date; updatedAt: string | Date }>(result).map(
      (r) => ({
        ...r,
        createdAt: new Date(r.createdAt).toISOString(),
        updatedAt: new Date(r.updatedAt).toISOString(),
      }),
    );
  }

  async timeline(actorType: string, actorId: string): Promise<(JournalRow & { at: string })[]> {
    const result = await this.db.execute(sql`
      select actor_type as "actorType", actor_id as "actorId", seq, event_id as "eventId", event_type as "eventType",
             from_state as "fromState", to_state as "toState", rejected, at
      from journal where actor_type = ${actorType} and actor_id = ${actorId} order by seq`);
    return rows<JournalRow & { at: string | Date }>(result).map((r) => ({
      ...r,
      at: new Date(r.at).toISOString(),
    }));
  }

  /**
   * Write a processed batch atomically; throws VersionConflict (and rolls back) if fenced.
   * Each statement takes its rows column by column (see `recordset`), one parameter per column.
   */
  async writeBatch(w: BatchWrite): Promise<void> {
    try {
      await this.writeInTransaction(w);
    } catch (error) {
      // Another writer created one of these actors first. The transaction is gone (rolled
      // back), so the actors that now exist are the ones it lost.
      if (violates(error, SNAPSHOT_KEY)) {
        const found = await this.loadSnapshots(w.inserts);
        throw new VersionConflict(found.map((r) => `${r.actorType}:${r.actorId}`));
      }
      throw error;
    }
  }

  private async writeInTransaction(w: BatchWrite): Promise<void> {
    await inTransaction(this.db, async (run, copy) => {
      if (w.updates.length || w.timersFired.length || w.timersCancelled.length) {
        // The update and deletes below join a batch of keys to a table. The planner guesses
        // 1,000 rows for the batch and, without statistics on a young table, hash-joins it
        // with a scan of the WHOLE table: ~10-20 ms per statement at 12,000 actors, growing
        // with the table. Index lookups per key are what a batch wants at any table size.
        await run({ text: KEY_LOOKUPS_ONLY, values: [] });
      }
      // A plain insert, like the journal's: a key violation rolls everything back (see
      // writeBatch); `on conflict do nothing` cost a speculative insertion per new actor.
      await copy('actor_snapshots', SNAPSHOT_INSERT, w.inserts);
      if (w.updates.length) {
        const r = await run(
          around(
            `update actor_snapshots as a
             set snapshot = u.snapshot, version = u.version, status = u.status, machine_version = u."machineVersion", updated_at = now()
             from `,
            recordset(w.updates, 'u', SNAPSHOT_UPDATE),
            ` where a.actor_type = u."actorType" and a.actor_id = u."actorId" and a.version = u."expectedVersion"`,
          ),
        );
        if (r.rowCount !== w.updates.length)
          throw new VersionConflict(await notWrittenHere(run, w.updates));
      }
      // A plain insert: a violation of the (actor, event id) key means an event was applied
      // before; the transaction rolls back and the caller re-runs the batch with a deduplication
      // pre-check. (`on conflict do nothing` would cost a speculative insertion per row for a
      // case that is rare and rolls back anyway; and COPY has no `on conflict`.)
      try {
        await copy('journal', JOURNAL, w.journal);
      } catch (error) {
        if (violates(error, 'journal_pkey')) throw new DuplicateEvent();
        throw error;
      }
      // In order: the serial id numbers the rows as they come.
      await copy('outbox', OUTBOX, w.outbox);
      if (w.timersFired.length) {
        await run(
          around(
            'delete from timers t using ',
            recordset(w.timersFired, 'f', TIMER_FIRED),
            ` where t.actor_type = f."actorType" and t.actor_id = f."actorId" and t.timer_key = f."timerKey" and t.seq = f.seq`,
          ),
        );
      }
      if (w.timersCancelled.length) {
        await run(
          around(
            'delete from timers t using ',
            recordset(w.timersCancelled, 'c', TIMER_KEY),
            ` where t.actor_type = c."actorType" and t.actor_id = c."actorId" and t.timer_key = c."timerKey"`,
          ),
        );
      }
      if (w.timersSet.length) {
        await run(
          around(
            `insert into timers (actor_type, actor_id, timer_key, seq, due_at, event)
             select "actorType", "actorId", "timerKey", seq, "dueAt", event from `,
            recordset(w.timersSet, 'u', TIMER_SET),
            ' on conflict (actor_type, actor_id, timer_key) do update set seq = excluded.seq, due_at = excluded.due_at, event = excluded.event, fired_at = null',
          ),
        );
      }
    });
  }
}
