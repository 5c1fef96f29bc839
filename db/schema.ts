import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  customType,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** Content service's Postgres backend: one row per stored object, keyed by content hash. */
export const contentObjects = pgTable('content_objects', {
  storageId: text('storage_id').primaryKey(),
  contentType: text('content_type').notNull(),
  body: bytea('body').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

// Actor keys (actor_type, actor_id, event_id, timer_key) are COLLATE "C" (migration 0005: Drizzle
// cannot declare a collation): ids compare byte-wise, not through the locale's strcoll().

/** Latest persisted snapshot of each actor; `version` is the optimistic-concurrency counter. */
export const actorSnapshots = pgTable(
  'actor_snapshots',
  {
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    machineId: text('machine_id').notNull(),
    machineVersion: integer('machine_version').notNull(),
    // json, not jsonb: stored as written, no binary conversion on the hot write path.
    snapshot: json('snapshot').notNull(),
    version: integer('version').notNull(),
    status: text('status').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // No index besides the key: every transition rewrites status and snapshot, and with only the
  // key indexed (and free space on the page, see the fillfactor in migration 0003) the update is
  // HOT — no index entries written at all.
  (t) => [primaryKey({ columns: [t.actorType, t.actorId] })],
);

/**
 * One row per applied (or rejected) event: the actor's timeline, and its record of processed
 * event ids — the unique (actor, event id) index is the deduplication, one write instead of two.
 */
export const journal = pgTable(
  'journal',
  {
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    seq: integer('seq').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    rejected: boolean('rejected').notNull().default(false),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The only index: (actor, event id) is the deduplication, and it also finds an actor's rows
    // for its timeline (sorted by seq: a handful per actor). No surrogate id and no second
    // index on (actor, seq): each would cost an index insert per transition. seq is unique per
    // actor all the same: it is the snapshot's version, which the optimistic check guards.
    primaryKey({ name: 'journal_pkey', columns: [t.actorType, t.actorId, t.eventId] }),
  ],
);

/** Events to publish, written in the same transaction as the state that emitted them. */
export const outbox = pgTable(
  'outbox',
  {
    // Unique by its sequence. Not a primary key: the relay only ever looks rows up while they
    // are pending, through the partial index below, and a key index would cost one more index
    // insert per transition.
    id: bigserial('id', { mode: 'number' }).notNull(),
    topic: text('topic').notNull(),
    key: text('key').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    // The exact bytes to publish (a serialised envelope); text avoids a JSON parse per row.
    payload: text('payload').notNull(),
    eventId: text('event_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('outbox_pending_idx').on(t.id).where(sql`${t.sentAt} is null`)],
);

/**
 * Durable timers: XState does not persist its scheduler, so delays live here. One row per armed
 * (actor, timer key); re-arming replaces it.
 */
export const timers = pgTable(
  'timers',
  {
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    timerKey: text('timer_key').notNull(),
    // The actor's version (journal seq) at the transition that armed it: tells one arming from
    // the next, so a fired timer's event id is unique and a re-armed timer is not deleted by the
    // firing of the previous one. No surrogate id: it cost a sequence call and an index insert.
    seq: integer('seq').notNull().default(0),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    event: jsonb('event').notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: 'timers_pkey', columns: [t.actorType, t.actorId, t.timerKey] }),
    index('timers_due_idx').on(t.dueAt).where(sql`${t.firedAt} is null`),
  ],
);

/**
 * The api's record of the batches teachers submitted: who owns each (another teacher is told it
 * does not exist), the idempotency key it was created under, and whether its events went out.
 */
export const apiBatches = pgTable(
  'api_batches',
  {
    batchId: text('batch_id').primaryKey(),
    teacherId: text('teacher_id').notNull(),
    idempotencyKey: text('idempotency_key'),
    courseCode: text('course_code'),
    language: text('language').notNull(),
    pipeline: jsonb('pipeline').$type<string[]>().notNull(),
    essayCount: integer('essay_count').notNull(),
    correlationId: text('correlation_id').notNull(),
    // Millisecond precision: the listing's cursor carries it as a JavaScript date.
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Set once the registration and every content event were acknowledged by JetStream. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_batches_idempotency_idx')
      .on(t.teacherId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    // The teacher's batches, newest first (cursor = created_at, batch_id).
    index('api_batches_teacher_idx').on(t.teacherId, t.createdAt, t.batchId),
  ],
);

/** The essays of a submitted batch, in submission order, with their names and stored texts. */
export const apiEssays = pgTable(
  'api_essays',
  {
    essayId: text('essay_id').primaryKey(),
    batchId: text('batch_id').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    textStorageId: text('text_storage_id').notNull(),
  },
  (t) => [index('api_essays_batch_idx').on(t.batchId, t.position)],
);
