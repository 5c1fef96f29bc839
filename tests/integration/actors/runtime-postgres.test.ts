import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActorRuntime,
  type Delivery,
  SnapshotCache,
  TimerPoller,
} from '../../../actors/runtime/index.ts';
import {
  ActorRepository,
  type Database,
  emptyBatchWrite,
  OutboxRepository,
} from '../../../db/index.ts';
import { MACHINE_DEFINITIONS } from '../../../machines/index.ts';
import { silentLogger } from '../../../messaging/index.ts';
import { useFreshDatabase } from '../../helpers/database.ts';
import { DATABASE_URL } from '../../helpers/infra.ts';
import { waitFor } from '../../helpers/wait-for.ts';

describe('actor runtime on real Postgres', () => {
  // A database of its own: the timer poller fires every due timer in the database, oldest
  // first, so timers other runs left in a shared one would come before this block's.
  const freshDatabase = useFreshDatabase(DATABASE_URL, 'huleedu_runtime');
  let database: Database;
  beforeAll(() => {
    database = freshDatabase();
  });

  const newRuntime = () =>
    new ActorRuntime({
      repository: new ActorRepository(database.db),
      definitions: MACHINE_DEFINITIONS,
      cache: new SnapshotCache(1000, 60_000),
    });
  const essay = (id: string, input: Record<string, unknown> = {}): Delivery => ({
    actorType: 'essay',
    actorId: id,
    eventId: `prov-${id}`,
    event: { type: 'CONTENT_PROVISIONED', textStorageId: 't', batchId: null },
    createWith: { essayId: id, textStorageId: 't', ...input },
  });
  const ev = (id: string, eventId: string, event: Delivery['event']): Delivery => ({
    actorType: 'essay',
    actorId: id,
    eventId,
    event,
  });

  it('two hosts processing the same essay at once: exactly one wins, the other is fenced, the final state is right', async () => {
    const id = `essay-${randomUUID()}`;
    const a = newRuntime();
    const b = newRuntime();
    await a.process([essay(id)]);
    await b
      .read('essay', id)
      .then(() =>
        b.process([
          ev(id, 'warm', { type: 'CONTENT_PROVISIONED', textStorageId: 't', batchId: null }),
        ]),
      );
    await a.read('essay', id); // both now cache the actor
    const results = await Promise.allSettled([
      a.process([
        ev(id, 'init-a', { type: 'SPELLCHECK_INITIATED', language: 'en', correlationId: null }),
      ]),
      b.process([ev(id, 'crit-b', { type: 'CRITICAL_FAILURE', reason: 'b says so' })]),
    ]);
    const fenced = results.filter((r) => r.status === 'rejected');
    expect(fenced.length).toBeGreaterThanOrEqual(1);
    for (const f of fenced)
      expect((f as PromiseRejectedResult).reason).toMatchObject({ name: 'ActorFencedError' });
    // The loser retries (as the consumer would): its event is applied to the winner's state.
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') continue;
      if (i === 0)
        await a.process([
          ev(id, 'init-a', { type: 'SPELLCHECK_INITIATED', language: 'en', correlationId: null }),
        ]);
      else await b.process([ev(id, 'crit-b', { type: 'CRITICAL_FAILURE', reason: 'b says so' })]);
    }
    const final = await newRuntime().read('essay', id);
    expect(final?.snapshot.value).toBe('essay_critical_failure');
    const journal = await new ActorRepository(database.db).timeline('essay', id);
    expect(journal.map((j) => j.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(journal.filter((j) => j.eventId === 'init-a' || j.eventId === 'crit-b')).toHaveLength(2);
  });

  it('a crash before the DB commit leaves nothing half-written', async () => {
    const id = `essay-${randomUUID()}`;
    const runtime = newRuntime();
    await runtime.process([essay(id)]);
    // Poison the journal insert, the statement after the snapshot update: to_state is not null.
    const repo = new ActorRepository(database.db);
    const before = (await repo.loadSnapshots([{ actorType: 'essay', actorId: id }]))[0];
    await expect(
      repo.writeBatch({
        ...emptyBatchWrite(),
        updates: [
          {
            actorType: 'essay',
            actorId: id,
            machineId: 'essay',
            machineVersion: 1,
            snapshot: { value: 'essay_critical_failure', context: {} },
            version: 2,
            status: 'essay_critical_failure',
            expectedVersion: 1,
          },
        ],
        journal: [
          {
            actorType: 'essay',
            actorId: id,
            seq: 2,
            eventId: 'half',
            eventType: 'X',
            fromState: null,
            toState: null as unknown as string,
            rejected: false,
          },
        ],
      }),
    ).rejects.toThrow();
    const after = (await repo.loadSnapshots([{ actorType: 'essay', actorId: id }]))[0];
    expect(after).toEqual(before);
    const processed = (await database.db.execute(
      sql`select count(*)::int as n from journal where actor_id = ${id} and event_id = 'half'`,
    )) as unknown as { rows: { n: number }[] };
    expect(processed.rows[0]?.n).toBe(0);
  });

  it('timers fire after a restart; a timer for an actor whose state moved on is ignored', async () => {
    const id = `essay-${randomUUID()}`;
    const first = newRuntime();
    await first.process([
      essay(id, { resultTimeoutMs: 1000, maxAttempts: 2 }),
      ev(id, 'init', { type: 'SPELLCHECK_INITIATED', language: 'en', correlationId: null }),
    ]);
    // "Restart": a new runtime and poller on the same database; the dispatch timer is still armed.
    const second = newRuntime();
    const poller = new TimerPoller(new OutboxRepository(database.db), second, silentLogger, {
      intervalMs: 50,
    });
    poller.start();
    try {
      await waitFor(
        'dispatched',
        async () =>
          (await second.read('essay', id))?.snapshot.value === 'spellchecking_in_progress',
        10_000,
      );
      await waitFor(
        'timed out twice, failed',
        async () => (await second.read('essay', id))?.snapshot.value === 'spellcheck_failed',
        10_000,
      );
      const ctx = (await second.read('essay', id))?.snapshot.context as {
        attempts: number;
        error: { code: string };
      };
      expect(ctx.attempts).toBe(2);
      expect(ctx.error.code).toBe('HULEEDU_RESULT_TIMEOUT');
    } finally {
      await poller.stop();
    }
    // A stale timer event (attempt 1) arriving late is rejected; the state stays.
    const stale = await second.process([
      ev(id, 'late-timer', { type: 'SPELLCHECK_TIMEOUT', attempt: 1 }),
    ]);
    expect(stale.rejected).toBe(1);
    expect((await second.read('essay', id))?.snapshot.value).toBe('spellcheck_failed');
    const timers = (await database.db.execute(
      sql`select count(*)::int as n from timers where actor_id = ${id}`,
    )) as unknown as { rows: { n: number }[] };
    expect(timers.rows[0]?.n).toBe(0);
  });
});
