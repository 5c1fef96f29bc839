import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTOR_EFFECTS } from '../../../actors/lifecycle/actor-types.ts';
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
      effects: ACTOR_EFFECTS,
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

  it('two hosts with fresh caches race on the same actors, round after round: exactly one commit per version, the loser retried against fresh state', async () => {
    const ROUNDS = 30;
    const ids = Array.from({ length: 4 }, () => `essay-${randomUUID()}`);
    await newRuntime().process(ids.map((id) => essay(id)));
    const provisioned = { type: 'CONTENT_PROVISIONED', textStorageId: 't', batchId: null };
    let fenced = 0;
    let retries = 0;
    /** One host's turn: a runtime with a cold cache, retried as the consumer would on a fence. */
    const host = async (name: string, round: number): Promise<void> => {
      const deliveries = ids.map((id) => ev(id, `${name}-${round}`, provisioned));
      for (let attempt = 1; ; attempt++) {
        try {
          await newRuntime().process(deliveries);
          return;
        } catch (error) {
          expect(error, 'only a fence may stop a host').toMatchObject({
            name: 'ActorFencedError',
            retryable: true,
          });
          fenced++;
          if (attempt > 20) throw new Error(`${name} fenced ${attempt} times in round ${round}`);
          retries++;
        }
      }
    };
    for (let round = 1; round <= ROUNDS; round++)
      await Promise.all([host('a', round), host('b', round)]);

    const repo = new ActorRepository(database.db);
    for (const id of ids) {
      const journal = await repo.timeline('essay', id);
      // One commit per version: versions 1..n, each once (a lost fence writes two rows at one).
      expect(
        journal.map((j) => j.seq),
        `${id}: one journal row per version, no gaps (fencing)`,
      ).toEqual(journal.map((_, i) => i + 1));
      // Every event of both hosts applied once: the loser's retry went in at a later version.
      const events = journal.map((j) => j.eventId).slice(1);
      expect(events.length, `${id}: both hosts' events, once each`).toBe(2 * ROUNDS);
      expect(new Set(events).size).toBe(2 * ROUNDS);
      const [row] = await repo.loadSnapshots([{ actorType: 'essay', actorId: id }]);
      expect(row?.version, `${id}: the stored version counts every commit`).toBe(1 + 2 * ROUNDS);
    }
    console.info(
      `fencing race: ${fenced} fenced attempts over ${ROUNDS} rounds, ${retries} retries`,
    );
    expect(
      fenced,
      'the hosts really raced (a round with both reading one version)',
    ).toBeGreaterThan(0);
  }, 120_000);

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
      ev(id, 'init', {
        type: 'PHASE_INITIATED',
        phase: 'spellcheck',
        language: 'en',
        correlationId: null,
        pipeline: ['spellcheck'],
        retry: false,
      }),
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
      ev(id, 'late-timer', { type: 'PHASE_TIMEOUT', phase: 'spellcheck', attempt: 1 }),
    ]);
    expect(stale.rejected).toBe(1);
    expect((await second.read('essay', id))?.snapshot.value).toBe('spellcheck_failed');
    const timers = (await database.db.execute(
      sql`select count(*)::int as n from timers where actor_id = ${id}`,
    )) as unknown as { rows: { n: number }[] };
    expect(timers.rows[0]?.n).toBe(0);
  });
});
