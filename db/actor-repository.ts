import { sql } from 'drizzle-orm';
import type { Db } from './database.ts';

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
  payload: unknown;
  eventId: string;
}

export interface TimerRow {
  actorType: string;
  actorId: string;
  timerKey: string;
  dueAt: Date;
  event: unknown;
}

/** Everything one processed batch writes, in one transaction. */
export interface BatchWrite {
  /** Snapshots of actors that did not exist: inserted; a conflict means another writer won. */
  inserts: SnapshotRow[];
  /** Snapshots of existing actors, with the version they were read at. */
  updates: (SnapshotRow & { expectedVersion: number })[];
  processed: { actorType: string; actorId: string; eventId: string }[];
  journal: JournalRow[];
  outbox: OutboxRow[];
  timersSet: TimerRow[];
  timersCancelled: { actorType: string; actorId: string; timerKey: string }[];
  /** Fired timers to remove, unless re-armed meanwhile (then their due time differs). */
  timersFired: { id: number; dueAt: Date }[];
}

/** Thrown inside the transaction when another writer got there first; it rolls back. */
export class VersionConflict extends Error {
  constructor(readonly actors: string[]) {
    super(
      `optimistic version conflict for ${actors.length} actor(s): ${actors.slice(0, 5).join(', ')}`,
    );
    this.name = 'VersionConflict';
  }
}

/** One array parameter: drizzle would otherwise expand a JS array into a tuple of parameters. */
function arr(values: readonly unknown[]) {
  return sql.param(values);
}

function rows<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

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
      from actor_snapshots s
      join unnest(${arr(keys.map((k) => k.actorType))}::text[], ${arr(keys.map((k) => k.actorId))}::text[]) as k(t, i)
        on s.actor_type = k.t and s.actor_id = k.i`);
    return rows<SnapshotRow>(result);
  }

  async processedAmong(
    keys: readonly { actorType: string; actorId: string; eventId: string }[],
  ): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const result = await this.db.execute(sql`
      select p.actor_type as t, p.actor_id as i, p.event_id as e
      from processed_events p
      join unnest(${arr(keys.map((k) => k.actorType))}::text[], ${arr(keys.map((k) => k.actorId))}::text[], ${arr(keys.map((k) => k.eventId))}::text[]) as k(t, i, e)
        on p.actor_type = k.t and p.actor_id = k.i and p.event_id = k.e`);
    return new Set(
      rows<{ t: string; i: string; e: string }>(result).map((r) => `${r.t}|${r.i}|${r.e}`),
    );
  }

  /** An actor's timeline: every applied or rejected event, in order. */
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

  /** Write a processed batch atomically; throws VersionConflict (and rolls back) if fenced. */
  async writeBatch(w: BatchWrite): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (w.inserts.length) {
        const r = await tx.execute(sql`
          insert into actor_snapshots (actor_type, actor_id, machine_id, machine_version, snapshot, version, status)
          select t, i, m, mv, s::jsonb, v, st
          from unnest(${arr(w.inserts.map((x) => x.actorType))}::text[], ${arr(w.inserts.map((x) => x.actorId))}::text[],
                      ${arr(w.inserts.map((x) => x.machineId))}::text[], ${arr(w.inserts.map((x) => x.machineVersion))}::int[],
                      ${arr(w.inserts.map((x) => JSON.stringify(x.snapshot)))}::text[], ${arr(w.inserts.map((x) => x.version))}::int[],
                      ${arr(w.inserts.map((x) => x.status))}::text[]) as u(t, i, m, mv, s, v, st)
          on conflict do nothing
          returning actor_id`);
        const won = new Set(rows<{ actor_id: string }>(r).map((x) => x.actor_id));
        const lost = w.inserts
          .filter((x) => !won.has(x.actorId))
          .map((x) => `${x.actorType}:${x.actorId}`);
        if (lost.length) throw new VersionConflict(lost);
      }
      if (w.updates.length) {
        const r = await tx.execute(sql`
          update actor_snapshots as a
          set snapshot = u.s::jsonb, version = u.v, status = u.st, machine_version = u.mv, updated_at = now()
          from unnest(${arr(w.updates.map((x) => x.actorType))}::text[], ${arr(w.updates.map((x) => x.actorId))}::text[],
                      ${arr(w.updates.map((x) => JSON.stringify(x.snapshot)))}::text[], ${arr(w.updates.map((x) => x.version))}::int[],
                      ${arr(w.updates.map((x) => x.status))}::text[], ${arr(w.updates.map((x) => x.expectedVersion))}::int[],
                      ${arr(w.updates.map((x) => x.machineVersion))}::int[]) as u(t, i, s, v, st, ev, mv)
          where a.actor_type = u.t and a.actor_id = u.i and a.version = u.ev
          returning a.actor_id`);
        const won = new Set(rows<{ actor_id: string }>(r).map((x) => x.actor_id));
        const lost = w.updates
          .filter((x) => !won.has(x.actorId))
          .map((x) => `${x.actorType}:${x.actorId}`);
        if (lost.length) throw new VersionConflict(lost);
      }
      if (w.processed.length) {
        const r = await tx.execute(sql`
          insert into processed_events (actor_type, actor_id, event_id)
          select * from unnest(${arr(w.processed.map((x) => x.actorType))}::text[], ${arr(w.processed.map((x) => x.actorId))}::text[], ${arr(w.processed.map((x) => x.eventId))}::text[])
          on conflict do nothing
          returning event_id`);
        if (rows(r).length !== w.processed.length)
          throw new VersionConflict(['(event processed concurrently)']);
      }
      if (w.journal.length) {
        await tx.execute(sql`
          insert into journal (actor_type, actor_id, seq, event_id, event_type, from_state, to_state, rejected)
          select * from unnest(${arr(w.journal.map((x) => x.actorType))}::text[], ${arr(w.journal.map((x) => x.actorId))}::text[],
                               ${arr(w.journal.map((x) => x.seq))}::int[], ${arr(w.journal.map((x) => x.eventId))}::text[],
                               ${arr(w.journal.map((x) => x.eventType))}::text[], ${arr(w.journal.map((x) => x.fromState))}::text[],
                               ${arr(w.journal.map((x) => x.toState))}::text[], ${arr(w.journal.map((x) => x.rejected))}::bool[])`);
      }
      if (w.outbox.length) {
        await tx.execute(sql`
          insert into outbox (topic, key, headers, payload, event_id)
          select t, k, h::jsonb, p::jsonb, e
          from unnest(${arr(w.outbox.map((x) => x.topic))}::text[], ${arr(w.outbox.map((x) => x.key))}::text[],
                      ${arr(w.outbox.map((x) => JSON.stringify(x.headers)))}::text[], ${arr(w.outbox.map((x) => JSON.stringify(x.payload)))}::text[],
                      ${arr(w.outbox.map((x) => x.eventId))}::text[]) with ordinality as u(t, k, h, p, e, n)
          order by n`);
      }
      if (w.timersFired.length) {
        await tx.execute(sql`
          delete from timers t using unnest(${arr(w.timersFired.map((x) => x.id))}::bigint[], ${arr(w.timersFired.map((x) => x.dueAt.toISOString()))}::timestamptz[]) as f(id, due)
          where t.id = f.id and t.due_at = f.due`);
      }
      if (w.timersCancelled.length) {
        await tx.execute(sql`
          delete from timers t using unnest(${arr(w.timersCancelled.map((x) => x.actorType))}::text[], ${arr(w.timersCancelled.map((x) => x.actorId))}::text[], ${arr(w.timersCancelled.map((x) => x.timerKey))}::text[]) as c(a, i, k)
          where t.actor_type = c.a and t.actor_id = c.i and t.timer_key = c.k`);
      }
      if (w.timersSet.length) {
        await tx.execute(sql`
          insert into timers (actor_type, actor_id, timer_key, due_at, event)
          select a, i, k, d, e::jsonb
          from unnest(${arr(w.timersSet.map((x) => x.actorType))}::text[], ${arr(w.timersSet.map((x) => x.actorId))}::text[], ${arr(w.timersSet.map((x) => x.timerKey))}::text[],
                      ${arr(w.timersSet.map((x) => x.dueAt.toISOString()))}::timestamptz[], ${arr(w.timersSet.map((x) => JSON.stringify(x.event)))}::text[]) as u(a, i, k, d, e)
          on conflict (actor_type, actor_id, timer_key) do update set due_at = excluded.due_at, event = excluded.event, fired_at = null`);
      }
    });
  }
}
